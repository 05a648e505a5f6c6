using System.Text.Json;
using Microsoft.EntityFrameworkCore;

namespace AgentOrchestration.LoggingService.Infrastructure;

/// <summary>A stored execution event; (task_id, seq) is unique, so a redelivered event is dropped.</summary>
public sealed class StoredEvent
{
    public Guid Id { get; set; }
    public Guid TaskId { get; set; }
    public int Seq { get; set; }
    public string? StepId { get; set; }
    public DateTimeOffset At { get; set; }
    public required string Level { get; set; }
    public required string Type { get; set; }
    public required string Message { get; set; }
    public JsonDocument? Data { get; set; }
    public required string Agent { get; set; }
    public string? TraceId { get; set; }
}

/// <summary>The execution-event store (logsdb).</summary>
public sealed class LogsDbContext(DbContextOptions<LogsDbContext> options) : DbContext(options)
{
    public DbSet<StoredEvent> Events => Set<StoredEvent>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<StoredEvent>(e =>
        {
            e.ToTable("execution_events");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasColumnName("id");
            e.Property(x => x.TaskId).HasColumnName("task_id");
            e.Property(x => x.Seq).HasColumnName("seq");
            e.HasIndex(x => new { x.TaskId, x.Seq }).IsUnique();
            e.Property(x => x.StepId).HasColumnName("step_id").HasMaxLength(64);
            e.Property(x => x.At).HasColumnName("at");
            e.HasIndex(x => x.At);
            e.Property(x => x.Level).HasColumnName("level").HasMaxLength(16);
            e.Property(x => x.Type).HasColumnName("type").HasMaxLength(32);
            e.Property(x => x.Message).HasColumnName("message");
            e.Property(x => x.Data).HasColumnName("data").HasColumnType("jsonb");
            e.Property(x => x.Agent).HasColumnName("agent").HasMaxLength(64);
            e.Property(x => x.TraceId).HasColumnName("trace_id").HasMaxLength(32);
        });
    }
}
