using System.Text.Json;

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
    double? Score = null)
{
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

public sealed record ToolPage(IReadOnlyList<ToolResponse> Items);
