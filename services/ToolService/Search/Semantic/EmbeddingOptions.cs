namespace AgentOrchestration.ToolService.Search.Semantic;

/// <summary>Settings of semantic tool search, section <c>Search:Embeddings</c>.</summary>
public sealed class EmbeddingOptions
{
    public const string Section = "Search:Embeddings";

    /// <summary><c>local</c> (MiniLM inside the service, the default), <c>openai</c> (any OpenAI-compatible endpoint:
    /// OpenAI, Azure OpenAI's v1 API, Ollama, vLLM…) or <c>none</c> (lexical search only).</summary>
    public string Provider { get; set; } = "local";

    /// <summary>The OpenAI-compatible base URL, e.g. <c>http://localhost:11434/v1</c> for Ollama.</summary>
    public string? Endpoint { get; set; }

    /// <summary>The remote model, e.g. <c>text-embedding-3-small</c> or <c>nomic-embed-text</c>.</summary>
    public string? Model { get; set; }

    public string? ApiKey { get; set; }

    /// <summary>Tools embedded per call at registration. Small: MiniLM's working memory grows with the batch (about
    /// 110 MB at 8 texts, 200 MB at 32), while its speed per text hardly does.</summary>
    public int BatchSize { get; set; } = 8;

    /// <summary>How long a query waits for its embedding before the search answers lexically.</summary>
    public int QueryTimeoutMs { get; set; } = 2_000;

    /// <summary>
    /// A tool found by meaning must be at least this similar (cosine) to the query. MiniLM's similarities are low and
    /// close together (a right answer may score 0.2, an unrelated tool 0.1), so this floor only drops the unrelated.
    /// </summary>
    public double MinSimilarity { get; set; } = 0.1;

    /// <summary>…and at least this fraction of the best match's similarity: "multiply" lists math.multiply (0.67),
    /// not echo (0.2), while a question whose best answer scores 0.23 still lists its answer.</summary>
    public double RelativeSimilarity { get; set; } = 0.5;
}
