using AgentOrchestration.TaskService.Tasks.Model;
using Microsoft.EntityFrameworkCore;

namespace AgentOrchestration.TaskService.Infrastructure;

/// <summary>The durable task store (tasksdb): tasks, their steps, and the outbox of execution events.</summary>
public sealed class TasksDbContext(DbContextOptions<TasksDbContext> options) : DbContext(options)
{
    public DbSet<TaskRecord> Tasks => Set<TaskRecord>();
    public DbSet<TaskStepRecord> Steps => Set<TaskStepRecord>();
    public DbSet<ExecutionEventRecord> Events => Set<ExecutionEventRecord>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<TaskRecord>(task =>
        {
            task.ToTable("tasks");
            task.HasKey(t => t.Id);
            task.Property(t => t.Id).HasColumnName("id");
            task.Property(t => t.AgentId).HasColumnName("agent_id");
            task.Property(t => t.AgentName).HasColumnName("agent_name").HasMaxLength(64);
            task.Property(t => t.Status).HasColumnName("status").HasMaxLength(16);
            task.Property(t => t.Definition).HasColumnName("definition").HasColumnType("jsonb");
            task.Property(t => t.Result).HasColumnName("result").HasColumnType("jsonb");
            task.Property(t => t.Error).HasColumnName("error");
            task.Property(t => t.CreatedAt).HasColumnName("created_at");
            task.Property(t => t.StartedAt).HasColumnName("started_at");
            task.Property(t => t.FinishedAt).HasColumnName("finished_at");
            task.Property(t => t.DeadlineAt).HasColumnName("deadline_at");
            task.Property(t => t.TraceParent).HasColumnName("trace_parent").HasMaxLength(64);
            task.Property(t => t.IdempotencyScope).HasColumnName("idempotency_scope").HasMaxLength(80);
            task.Property(t => t.IdempotencyKey).HasColumnName("idempotency_key").HasMaxLength(255);
            // One caller's key never collides with another's (the migration scoped older keys to their task's agent).
            task.HasIndex(t => new { t.IdempotencyScope, t.IdempotencyKey }).IsUnique();
            task.Property(t => t.RequestHash).HasColumnName("request_hash").HasMaxLength(64);
            task.Property(t => t.LeaseOwner).HasColumnName("lease_owner").HasMaxLength(128);
            task.Property(t => t.LeaseExpiresAt).HasColumnName("lease_expires_at");
            task.Property(t => t.CancelRequested).HasColumnName("cancel_requested");
            task.Property(t => t.Takeovers).HasColumnName("takeovers");
            task.Property(t => t.LastSeq).HasColumnName("last_seq");
            // Workers look for the oldest unfinished task whose lease has lapsed: a partial index over just the unfinished
            // rows, by age. lease_expires_at is in no index, because every fenced write (and heartbeat) changes it: so
            // those updates stay HOT (no index entries written) while the task runs, with the room fillfactor leaves.
            task.HasIndex(t => t.CreatedAt, "IX_tasks_unfinished_created").HasFilter("status IN ('queued', 'running')");
            task.HasStorageParameter("fillfactor", 80);
            task.HasIndex(t => new { t.AgentName, t.CreatedAt });
            task.HasIndex(t => t.CreatedAt);
            // Every submission counts its agent's unfinished tasks (the in-flight limit): a partial index over just those
            // rows keeps that an index-only look-up however many finished tasks pile up.
            task.HasIndex(t => t.AgentId, "IX_tasks_agent_unfinished").HasFilter("status IN ('queued', 'running')");
            task.HasMany(t => t.Steps).WithOne().HasForeignKey(s => s.TaskId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<TaskStepRecord>(step =>
        {
            step.ToTable("task_steps");
            step.HasKey(s => new { s.TaskId, s.StepId });
            // Each step row is updated two or three times (start, retries, end): room on its page keeps those HOT.
            step.HasStorageParameter("fillfactor", 70);
            step.Property(s => s.TaskId).HasColumnName("task_id");
            step.Property(s => s.StepId).HasColumnName("step_id").HasMaxLength(64);
            step.Property(s => s.Ordinal).HasColumnName("ordinal");
            step.Property(s => s.Tool).HasColumnName("tool").HasMaxLength(128);
            step.Property(s => s.Status).HasColumnName("status").HasMaxLength(16);
            step.Property(s => s.Attempts).HasColumnName("attempts");
            step.Property(s => s.Input).HasColumnName("input").HasColumnType("jsonb");
            step.Property(s => s.Output).HasColumnName("output").HasColumnType("jsonb");
            step.Property(s => s.Error).HasColumnName("error");
            step.Property(s => s.StartedAt).HasColumnName("started_at");
            step.Property(s => s.FinishedAt).HasColumnName("finished_at");
        });

        modelBuilder.Entity<ExecutionEventRecord>(e =>
        {
            e.ToTable("task_events");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasColumnName("id");
            e.Property(x => x.TaskId).HasColumnName("task_id");
            e.Property(x => x.Seq).HasColumnName("seq");
            e.HasIndex(x => new { x.TaskId, x.Seq }).IsUnique();
            e.Property(x => x.StepId).HasColumnName("step_id").HasMaxLength(64);
            e.Property(x => x.At).HasColumnName("at");
            e.Property(x => x.Level).HasColumnName("level").HasMaxLength(16);
            e.Property(x => x.Type).HasColumnName("type").HasMaxLength(32);
            e.Property(x => x.Message).HasColumnName("message");
            e.Property(x => x.Data).HasColumnName("data").HasColumnType("jsonb");
            e.Property(x => x.AgentName).HasColumnName("agent_name").HasMaxLength(64);
            e.Property(x => x.TraceId).HasColumnName("trace_id").HasMaxLength(32);
            // The relay's columns and table (task_events.xid, outbox_batches) are created by the OutboxCursor migration and
            // left out of the model on purpose: writers must never set xid (its default is the writing transaction's id),
            // and EF would otherwise read it back after every insert on the hot path.
        });
    }
}
