using AgentOrchestration.AgentService.Model;
using Microsoft.EntityFrameworkCore;

namespace AgentOrchestration.AgentService.Infrastructure;

public sealed class AgentsDbContext(DbContextOptions<AgentsDbContext> options) : DbContext(options)
{
    public DbSet<Agent> Agents => Set<Agent>();
    public DbSet<IdempotencyRecord> IdempotencyRecords => Set<IdempotencyRecord>();
    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Agent>(agent =>
        {
            agent.ToTable("agents");
            agent.HasKey(a => a.Id);
            agent.Property(a => a.Id).HasColumnName("id");
            agent.Property(a => a.Name).HasColumnName("name").HasMaxLength(64);
            agent.HasIndex(a => a.Name).IsUnique();
            agent.Property(a => a.Description).HasColumnName("description").HasMaxLength(1024);
            agent.Property(a => a.Status).HasColumnName("status").HasConversion<string>().HasMaxLength(16);
            agent.HasIndex(a => a.Status);
            agent.Property(a => a.Tools).HasColumnName("tools");
            agent.HasIndex(a => a.Tools).HasMethod("gin");
            agent.Property(a => a.LabelPairs).HasColumnName("labels");
            agent.HasIndex(a => a.LabelPairs).HasMethod("gin");
            agent.Ignore(a => a.Labels);
            agent.Property(a => a.CreatedAt).HasColumnName("created_at");
            agent.Property(a => a.UpdatedAt).HasColumnName("updated_at");
            agent.Property(a => a.Version).HasColumnName("version").IsConcurrencyToken();
        });

        modelBuilder.Entity<IdempotencyRecord>(record =>
        {
            record.ToTable("idempotency_keys");
            record.HasKey(r => new { r.Scope, r.Key });
            record.Property(r => r.Scope).HasColumnName("scope").HasMaxLength(64);
            record.Property(r => r.Key).HasColumnName("key").HasMaxLength(255);
            record.Property(r => r.RequestHash).HasColumnName("request_hash").HasMaxLength(64);
            record.Property(r => r.AgentId).HasColumnName("agent_id");
            record.Property(r => r.CreatedAt).HasColumnName("created_at");
            // Deleting an agent forgets its keys, so a later retry with one creates the agent anew.
            record.HasOne<Agent>().WithMany().HasForeignKey(r => r.AgentId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<ApiKey>(key =>
        {
            key.ToTable("api_keys");
            key.HasKey(k => k.Id);
            key.Property(k => k.Id).HasColumnName("id");
            key.Property(k => k.Hash).HasColumnName("hash").HasMaxLength(64);
            key.HasIndex(k => k.Hash).IsUnique();
            key.Property(k => k.Name).HasColumnName("name").HasMaxLength(64);
            key.Property(k => k.Role).HasColumnName("role").HasMaxLength(16);
            key.Property(k => k.AgentId).HasColumnName("agent_id");
            // An agent has exactly one live key: two rotations that both inserted one cannot both commit.
            key.HasIndex(k => k.AgentId).IsUnique();
            key.Property(k => k.CreatedAt).HasColumnName("created_at");
            // Deleting an agent deletes its key: the key stops working in the same commit.
            key.HasOne<Agent>().WithMany().HasForeignKey(k => k.AgentId).OnDelete(DeleteBehavior.Cascade);
        });
    }
}
