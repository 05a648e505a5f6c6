using System.Text.Json;

namespace AgentOrchestration.ToolService.Model;

/// <summary>POST /tools: registers an HTTP tool (builtin tools ship with the service, MCP tools come from sources).</summary>
public sealed record CreateToolRequest(
    string? Name,
    string? Description,
    string? Kind,
    JsonElement? InputSchema,
    JsonElement? OutputSchema = null,
    HttpToolSpec? Http = null,
    IReadOnlyList<string>? Tags = null,
    int? TimeoutMs = null,
    bool? Enabled = null);

/// <summary>The target of an HTTP tool. Headers are write-only: stored encrypted and never returned.</summary>
public sealed record HttpToolSpec(string? Url, string? Method = null, IReadOnlyDictionary<string, string>? Headers = null);

/// <summary>PATCH /tools/{idOrName}: a property left out keeps its value.</summary>
public sealed record UpdateToolRequest(
    string? Description = null,
    JsonElement? InputSchema = null,
    JsonElement? OutputSchema = null,
    HttpToolSpec? Http = null,
    IReadOnlyList<string>? Tags = null,
    int? TimeoutMs = null,
    bool? Enabled = null);

/// <summary>What the API shows of an HTTP tool's target: never the header values.</summary>
public sealed record HttpToolView(string Url, string Method, IReadOnlyList<string> HeaderNames);

public sealed record CreateToolSourceRequest(string? Name, string? Url);

public sealed record ToolSourceResponse(
    string Name,
    string Url,
    string Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset? LastSyncAt,
    string? LastSyncError,
    int ToolCount);

public sealed record SyncResult(string Source, IReadOnlyList<string> Added, IReadOnlyList<string> Updated, IReadOnlyList<string> Disabled);
