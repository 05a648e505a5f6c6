using System.Text.Json;
using System.Text.Json.Serialization;

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
    [property: JsonConverter(typeof(IntegralNumberConverter))] int? TimeoutMs = null,
    bool? Enabled = null);

/// <summary>
/// The target of an HTTP tool. Headers are write-only: stored encrypted and never returned. <c>Idempotent</c>: whether
/// repeating a request is safe, so a failed call may be retried; by default true for GET, PUT and DELETE, false for
/// POST and PATCH.
/// </summary>
public sealed record HttpToolSpec(string? Url, string? Method = null, IReadOnlyDictionary<string, string>? Headers = null, bool? Idempotent = null);

/// <summary>PATCH /tools/{idOrName}: a property left out keeps its value.</summary>
public sealed record UpdateToolRequest(
    string? Description = null,
    JsonElement? InputSchema = null,
    JsonElement? OutputSchema = null,
    HttpToolSpec? Http = null,
    IReadOnlyList<string>? Tags = null,
    [property: JsonConverter(typeof(IntegralNumberConverter))] int? TimeoutMs = null,
    bool? Enabled = null);

/// <summary>What the API shows of an HTTP tool's target: never the header values.</summary>
public sealed record HttpToolView(string Url, string Method, IReadOnlyList<string> HeaderNames, bool Idempotent);

public sealed record CreateToolSourceRequest(string? Name, string? Url);

public sealed record ToolSourceResponse(
    string Name,
    string Url,
    string Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset? LastSyncAt,
    string? LastSyncError,
    int ToolCount);

/// <summary>A tool of a source that was not registered, and why (its name, description or schema cannot be used).</summary>
public sealed record SkippedTool(string Name, string Reason);

public sealed record SyncResult(string Source, IReadOnlyList<string> Added, IReadOnlyList<string> Updated, IReadOnlyList<string> Disabled,
    IReadOnlyList<SkippedTool> Skipped);
