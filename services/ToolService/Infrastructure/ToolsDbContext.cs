using AgentOrchestration.ToolService.Model;
using Microsoft.EntityFrameworkCore;

namespace AgentOrchestration.ToolService.Infrastructure;

public sealed class ToolsDbContext(DbContextOptions<ToolsDbContext> options) : DbContext(options)
{
    public DbSet<Tool> Tools => Set<Tool>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Tool>(tool =>
        {
            tool.ToTable("tools");
            tool.HasKey(t => t.Id);
            tool.Property(t => t.Id).HasColumnName("id");
            tool.Property(t => t.Name).HasColumnName("name").HasMaxLength(128);
            tool.HasIndex(t => t.Name).IsUnique();
            tool.Property(t => t.Description).HasColumnName("description").HasMaxLength(4096);
            tool.Property(t => t.InputSchema).HasColumnName("input_schema").HasColumnType("jsonb");
            tool.Property(t => t.OutputSchema).HasColumnName("output_schema").HasColumnType("jsonb");
            tool.Property(t => t.Kind).HasColumnName("kind").HasConversion<string>().HasMaxLength(16);
            tool.Property(t => t.Config).HasColumnName("config").HasColumnType("jsonb");
            tool.Property(t => t.Tags).HasColumnName("tags");
            tool.HasIndex(t => t.Tags).HasMethod("gin");
            tool.Property(t => t.Enabled).HasColumnName("enabled");
            tool.Property(t => t.TimeoutMs).HasColumnName("timeout_ms");
            tool.Property(t => t.CreatedAt).HasColumnName("created_at");
            tool.Property(t => t.UpdatedAt).HasColumnName("updated_at");
        });
    }
}
