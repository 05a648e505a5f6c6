using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AgentOrchestration.ToolService.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class ToolEmbeddings : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "tool_embeddings",
                columns: table => new
                {
                    tool_id = table.Column<Guid>(type: "uuid", nullable: false),
                    model = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    vector = table.Column<float[]>(type: "real[]", nullable: false),
                    tool_updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    embedded_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_tool_embeddings", x => x.tool_id);
                    table.ForeignKey(
                        name: "FK_tool_embeddings_tools_tool_id",
                        column: x => x.tool_id,
                        principalTable: "tools",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_tool_embeddings_embedded_at",
                table: "tool_embeddings",
                column: "embedded_at");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "tool_embeddings");
        }
    }
}
