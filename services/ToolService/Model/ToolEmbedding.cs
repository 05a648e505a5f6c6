namespace AgentOrchestration.ToolService.Model;

/// <summary>
/// A tool's sentence embedding for semantic search: one row per tool, for the model that made it. A row whose
/// <see cref="Model"/> is not the configured one, or whose <see cref="ToolUpdatedAt"/> is older than the tool's, is
/// stale and gets re-embedded (see <c>ToolEmbeddingIndexer</c>); a model change therefore re-indexes everything.
/// </summary>
public sealed class ToolEmbedding
{
    public Guid ToolId { get; set; }

    /// <summary>Which model made the vector, e.g. "local/all-MiniLM-L6-v2" or "openai/text-embedding-3-small".</summary>
    public required string Model { get; set; }

    /// <summary>Unit length, so a dot product is the cosine similarity. Stored as <c>real[]</c>.</summary>
    public required float[] Vector { get; set; }

    /// <summary>The tool's <c>updated_at</c> when it was embedded: a later change makes the row stale.</summary>
    public DateTimeOffset ToolUpdatedAt { get; set; }

    /// <summary>When the row was written; replicas load newer rows into their in-memory index by it.</summary>
    public DateTimeOffset EmbeddedAt { get; set; }
}
