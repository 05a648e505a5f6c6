using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AgentOrchestration.TaskService.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class AgentUnfinishedIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_tasks_agent_unfinished",
                table: "tasks",
                column: "agent_id",
                filter: "status IN ('queued', 'running')");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_tasks_agent_unfinished",
                table: "tasks");
        }
    }
}
