using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AgentOrchestration.TaskService.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class TakeoversAndScopedIdempotency : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_tasks_idempotency_key",
                table: "tasks");

            migrationBuilder.AddColumn<string>(
                name: "idempotency_scope",
                table: "tasks",
                type: "character varying(80)",
                maxLength: 80,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "takeovers",
                table: "tasks",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            // Keys stored before scoping keep replaying for the agent that submitted them (the common case: an
            // agent retrying its own submission across the upgrade).
            migrationBuilder.Sql("""
                UPDATE tasks SET idempotency_scope = 'agent:' || agent_id::text
                WHERE idempotency_key IS NOT NULL AND idempotency_scope IS NULL
                """);

            migrationBuilder.CreateIndex(
                name: "IX_tasks_idempotency_scope_idempotency_key",
                table: "tasks",
                columns: new[] { "idempotency_scope", "idempotency_key" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_tasks_idempotency_scope_idempotency_key",
                table: "tasks");

            migrationBuilder.DropColumn(
                name: "idempotency_scope",
                table: "tasks");

            migrationBuilder.DropColumn(
                name: "takeovers",
                table: "tasks");

            migrationBuilder.CreateIndex(
                name: "IX_tasks_idempotency_key",
                table: "tasks",
                column: "idempotency_key",
                unique: true);
        }
    }
}
