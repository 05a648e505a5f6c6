using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AgentOrchestration.TaskService.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class OutboxCursor : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_task_events_unpublished",
                table: "task_events");

            migrationBuilder.DropColumn(
                name: "published_at",
                table: "task_events");

            // The relay's cursor is the writing transaction's id (see EventOutboxRelay); rows written before this
            // migration all get the migration's own id, so the relay publishes them once more, and the LoggingService
            // drops the ones it has by event id. The seed cursor's stream_added of -1 says "what the stream held is not known".
            migrationBuilder.Sql("""
                ALTER TABLE task_events ADD COLUMN xid xid8 NOT NULL DEFAULT pg_current_xact_id();
                CREATE INDEX "IX_task_events_xid" ON task_events (xid, task_id, seq);
                CREATE TABLE outbox_batches (
                    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    end_xid xid8 NOT NULL,
                    end_task_id uuid NOT NULL,
                    end_seq integer NOT NULL,
                    stream_ms bigint NOT NULL,
                    stream_seq bigint NOT NULL,
                    stream_added bigint NOT NULL,
                    published_at timestamp with time zone NOT NULL);
                CREATE INDEX "IX_outbox_batches_published_at" ON outbox_batches (published_at);
                INSERT INTO outbox_batches (end_xid, end_task_id, end_seq, stream_ms, stream_seq, stream_added, published_at)
                VALUES ('0', '00000000-0000-0000-0000-000000000000', 0, 0, 0, -1, now());
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TABLE outbox_batches;
                DROP INDEX "IX_task_events_xid";
                ALTER TABLE task_events DROP COLUMN xid;
                """);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "published_at",
                table: "task_events",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_task_events_unpublished",
                table: "task_events",
                columns: new[] { "task_id", "seq" },
                filter: "published_at IS NULL");

            // Events left in the outbox after the rollback are published once more by the per-row relay.
        }
    }
}
