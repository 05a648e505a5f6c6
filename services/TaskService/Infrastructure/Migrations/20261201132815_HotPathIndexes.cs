using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AgentOrchestration.TaskService.Infrastructure.Migrations
{
    /// <summary>
    /// HOT-friendly tasks: lease_expires_at (changed by every fenced write and heartbeat) leaves the indexes, the claim
    /// scans a partial index of unfinished tasks by age, and both tables leave room on their pages (fillfactor) so a
    /// running task's updates can stay on the same page without new index entries.
    /// </summary>
    public partial class HotPathIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_tasks_status_lease_expires_at",
                table: "tasks");

            migrationBuilder.AlterTable(
                name: "tasks")
                .Annotation("Npgsql:StorageParameter:fillfactor", 80);

            migrationBuilder.AlterTable(
                name: "task_steps")
                .Annotation("Npgsql:StorageParameter:fillfactor", 70);

            migrationBuilder.CreateIndex(
                name: "IX_tasks_unfinished_created",
                table: "tasks",
                column: "created_at",
                filter: "status IN ('queued', 'running')");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_tasks_unfinished_created",
                table: "tasks");

            migrationBuilder.AlterTable(
                name: "tasks")
                .OldAnnotation("Npgsql:StorageParameter:fillfactor", 80);

            migrationBuilder.AlterTable(
                name: "task_steps")
                .OldAnnotation("Npgsql:StorageParameter:fillfactor", 70);

            migrationBuilder.CreateIndex(
                name: "IX_tasks_status_lease_expires_at",
                table: "tasks",
                columns: new[] { "status", "lease_expires_at" });
        }
    }
}
