using AgentOrchestration.ToolService.Model;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using NpgsqlTypes;

namespace AgentOrchestration.ToolService.Infrastructure;

public sealed class ToolsDbContext(DbContextOptions<ToolsDbContext> options) : DbContext(options), IDataProtectionKeyContext
{
    public DbSet<Tool> Tools => Set<Tool>();

    /// <summary>The Data Protection key ring that encrypts tool secrets: kept beside the data it protects, shared by replicas.</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();
    public DbSet<ToolSource> ToolSources => Set<ToolSource>();

    public DbSet<ToolWord> ToolWords => Set<ToolWord>();

    public DbSet<ToolEmbedding> ToolEmbeddings => Set<ToolEmbedding>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        // Trigram similarity lets a misspelled query ("ad numbrs") still find "math.add".
        modelBuilder.HasPostgresExtension("pg_trgm");

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
            tool.Property(t => t.ProtectedSecrets).HasColumnName("protected_secrets");
            tool.Property(t => t.SourceName).HasColumnName("source_name").HasMaxLength(64);
            tool.HasIndex(t => t.SourceName);
            tool.Property(t => t.Enabled).HasColumnName("enabled");
            tool.Property(t => t.TimeoutMs).HasColumnName("timeout_ms");
            tool.Property(t => t.CreatedAt).HasColumnName("created_at");
            tool.Property(t => t.UpdatedAt).HasColumnName("updated_at");
            tool.Property(t => t.SearchText).HasColumnName("search_text");
            tool.Property<NpgsqlTsVector>("SearchVector").HasColumnName("search_vector")
                .HasComputedColumnSql("to_tsvector('simple', search_text)", stored: true);
            tool.HasIndex("SearchVector").HasMethod("gin");
        });

        // Typo tolerance lives in the vocabulary, not in each tool: query words are corrected against these words
        // (trigram index), then matched by full text (GIN on search_vector). See ToolSearch.
        modelBuilder.Entity<ToolWord>(word =>
        {
            word.ToTable("tool_words");
            word.HasKey(w => w.Word);
            word.Property(w => w.Word).HasColumnName("word");
            word.HasIndex(w => w.Word, "IX_tool_words_trigram").HasMethod("gin").HasOperators("gin_trgm_ops");
        });

        // Vectors as real[], which every Postgres has; the in-memory index of each replica does the nearest-neighbour work.
        modelBuilder.Entity<ToolEmbedding>(embedding =>
        {
            embedding.ToTable("tool_embeddings");
            embedding.HasKey(e => e.ToolId);
            embedding.Property(e => e.ToolId).HasColumnName("tool_id");
            embedding.HasOne<Tool>().WithOne().HasForeignKey<ToolEmbedding>(e => e.ToolId).OnDelete(DeleteBehavior.Cascade);
            embedding.Property(e => e.Model).HasColumnName("model").HasMaxLength(200);
            embedding.Property(e => e.Vector).HasColumnName("vector").HasColumnType("real[]");
            embedding.Property(e => e.ToolUpdatedAt).HasColumnName("tool_updated_at");
            embedding.Property(e => e.EmbeddedAt).HasColumnName("embedded_at");
            embedding.HasIndex(e => e.EmbeddedAt);
        });

        modelBuilder.Entity<DataProtectionKey>().ToTable("data_protection_keys");

        modelBuilder.Entity<ToolSource>(source =>
        {
            source.ToTable("tool_sources");
            source.HasKey(s => s.Name);
            source.Property(s => s.Name).HasColumnName("name").HasMaxLength(64);
            source.Property(s => s.Url).HasColumnName("url").HasMaxLength(2048);
            source.Property(s => s.CreatedAt).HasColumnName("created_at");
            source.Property(s => s.LastSyncAt).HasColumnName("last_sync_at");
            source.Property(s => s.LastSyncError).HasColumnName("last_sync_error");
            source.Property(s => s.ToolCount).HasColumnName("tool_count");
        });
    }
}
