using System.Text.Json;
using System.Text.Json.Serialization;
using AgentOrchestration.ToolService.Search;

namespace AgentOrchestration.ToolService.Model;

/// <summary>A tool as the API shows it. Secrets (HTTP headers) never appear here.</summary>
public sealed record ToolResponse(
    Guid Id,
    string Name,
    string Description,
    ToolKind Kind,
    JsonElement InputSchema,
    JsonElement? OutputSchema,
    IReadOnlyList<string> Tags,
    bool Enabled,
    int TimeoutMs,
    HttpToolView? Http,
    string? Source,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    double? Score = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? Matched = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? Similarity = null)
{
    /// <summary>A search result: <c>score</c> in the mode used (ts_rank, cosine similarity, or the fused rank score),
    /// <c>matched</c> the signals that found it, <c>similarity</c> its cosine similarity to the query when known.</summary>
    public static ToolResponse From(ToolHit hit) =>
        From(hit.Tool, hit.Score) with { Matched = hit.Matched, Similarity = hit.Similarity is { } s ? Math.Round(s, 4) : null };

    public static ToolResponse From(Tool tool, double? score = null)
    {
        var http = tool.Kind == ToolKind.Http && tool.Config?.Deserialize<HttpToolConfig>(JsonSerializerOptions.Web) is { } config
            ? new HttpToolView(config.Url, config.Method, config.HeaderNames, config.IsIdempotent)
            : null;
        return new(tool.Id, tool.Name, tool.Description, tool.Kind, tool.InputSchema.RootElement.Clone(),
            tool.OutputSchema?.RootElement.Clone(), tool.Tags, tool.Enabled, tool.TimeoutMs, http, tool.SourceName,
            tool.CreatedAt, tool.UpdatedAt, score is null ? null : Math.Round(score.Value, 4));
    }
}

/// <param name="Mode">How the results were ranked: the mode asked, or <c>lexical</c> when semantic search could not answer.</param>
/// <param name="Degraded">True when semantic or hybrid search was asked but the answer is lexical only.</param>
public sealed record ToolPage(IReadOnlyList<ToolResponse> Items, SearchMode Mode = SearchMode.Hybrid, bool Degraded = false);
