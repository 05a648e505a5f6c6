using System.Text.Json.Serialization;
using AgentOrchestration.ToolService.Model;

namespace AgentOrchestration.ToolService.Search;

/// <summary>What to look for. The filters (tag, kind, the agent's tool names, enabled) apply before ranking.</summary>
public sealed record ToolQuery(
    string? Text, string? Tag, ToolKind? Kind, IReadOnlyList<string>? Names, int Limit,
    SearchMode Mode = SearchMode.Hybrid, bool EnabledOnly = false);

[JsonConverter(typeof(JsonStringEnumConverter<SearchMode>))]
public enum SearchMode
{
    /// <summary>Lexical and semantic ranks fused (reciprocal rank fusion).</summary>
    [JsonStringEnumMemberName("hybrid")] Hybrid,

    /// <summary>By meaning only: cosine similarity of sentence embeddings.</summary>
    [JsonStringEnumMemberName("semantic")] Semantic,

    /// <summary>By words only: typo-corrected full text.</summary>
    [JsonStringEnumMemberName("lexical")] Lexical,
}

/// <summary>Which signals found a tool.</summary>
public static class SearchSignal
{
    public const string Lexical = "lexical";
    public const string Semantic = "semantic";
}

/// <summary>One result: the tool, its score in the mode used, which signals matched, and its similarity to the query.</summary>
public sealed record ToolHit(Tool Tool, double? Score, IReadOnlyList<string>? Matched = null, double? Similarity = null);

/// <summary>The results and the mode that produced them: lexical instead of the one asked when semantic search is down.</summary>
public sealed record ToolSearchResult(IReadOnlyList<ToolHit> Hits, SearchMode Mode, bool Degraded);
