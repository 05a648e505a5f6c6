using System.Text.Json;

namespace AgentOrchestration.ToolService.Model;

/// <summary>A tool as the API shows it. Kind-specific secrets (HTTP headers) never appear here.</summary>
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
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public static ToolResponse From(Tool tool) => new(
        tool.Id, tool.Name, tool.Description, tool.Kind, tool.InputSchema.RootElement.Clone(),
        tool.OutputSchema?.RootElement.Clone(), tool.Tags, tool.Enabled, tool.TimeoutMs, tool.CreatedAt, tool.UpdatedAt);
}

public sealed record ToolPage(IReadOnlyList<ToolResponse> Items);
