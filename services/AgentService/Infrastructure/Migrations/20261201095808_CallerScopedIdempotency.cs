using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AgentOrchestration.AgentService.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class CallerScopedIdempotency : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropPrimaryKey(
                name: "PK_idempotency_keys",
                table: "idempotency_keys");

            migrationBuilder.DropIndex(
                name: "IX_api_keys_agent_id",
                table: "api_keys");

            migrationBuilder.AddColumn<string>(
                name: "scope",
                table: "idempotency_keys",
                type: "character varying(64)",
                maxLength: 64,
                nullable: false,
                // Keys stored before scoping were all used by the admin (only admins register agents).
                defaultValue: "admin");

            migrationBuilder.AddPrimaryKey(
                name: "PK_idempotency_keys",
                table: "idempotency_keys",
                columns: new[] { "scope", "key" });

            // Before the rule "one live key per agent" was enforced a race could leave two: keep the newest.
            migrationBuilder.Sql("""
                DELETE FROM api_keys a USING api_keys b
                WHERE a.agent_id = b.agent_id AND (a.created_at, a.id) < (b.created_at, b.id);
                """);

            migrationBuilder.CreateIndex(
                name: "IX_api_keys_agent_id",
                table: "api_keys",
                column: "agent_id",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropPrimaryKey(
                name: "PK_idempotency_keys",
                table: "idempotency_keys");

            migrationBuilder.DropIndex(
                name: "IX_api_keys_agent_id",
                table: "api_keys");

            migrationBuilder.DropColumn(
                name: "scope",
                table: "idempotency_keys");

            migrationBuilder.AddPrimaryKey(
                name: "PK_idempotency_keys",
                table: "idempotency_keys",
                column: "key");

            migrationBuilder.CreateIndex(
                name: "IX_api_keys_agent_id",
                table: "api_keys",
                column: "agent_id");
        }
    }
}
