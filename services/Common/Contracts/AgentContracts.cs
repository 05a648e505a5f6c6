using System.Text.Json.Serialization;

namespace AgentOrchestration.ServiceCommon.Contracts;

[JsonConverter(typeof(JsonStringEnumConverter<AgentStatus>))]
public enum AgentStatus
{
    [JsonStringEnumMemberName("active")] Active,
    [JsonStringEnumMemberName("inactive")] Inactive,
}

public sealed record CreateAgentRequest(
    string? Name,
    string? Description = null,
    AgentStatus? Status = null,
    IReadOnlyList<string>? Tools = null,
    IReadOnlyDictionary<string, string>? Labels = null);

/// <summary>A partial update: a property left out (null) keeps its value.</summary>
public sealed record UpdateAgentRequest(
    string? Name = null,
    string? Description = null,
    AgentStatus? Status = null,
    IReadOnlyList<string>? Tools = null,
    IReadOnlyDictionary<string, string>? Labels = null);

public sealed record AgentResponse(
    Guid Id,
    string Name,
    string? Description,
    AgentStatus Status,
    IReadOnlyList<string> Tools,
    IReadOnlyDictionary<string, string> Labels,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    int Version,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ApiKey = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ApiKeyNotice = null)
{
    /// <summary>The strong ETag of this version; PATCH and DELETE accept it in If-Match.</summary>
    [JsonIgnore]
    public string ETag => $"\"{Version}\"";
}

public sealed record AgentPage(IReadOnlyList<AgentResponse> Items, string? NextCursor);

/// <summary>The seed's registration shape, answered by the ApiService's POST /register-agent.</summary>
public sealed record RegisterAgentRequest(
    string? Name,
    IReadOnlyList<string>? Tools = null,
    string? Description = null,
    IReadOnlyDictionary<string, string>? Labels = null);

/// <summary>
/// <c>ApiKey</c> is the agent's key, shown this once. When an Idempotency-Key replays the response it is absent and
/// <c>ApiKeyNotice</c> says why and how to get a new one.
/// </summary>
public sealed record RegisterAgentResponse(
    Guid Id, string Name, AgentStatus Status, IReadOnlyList<string> Tools, DateTimeOffset RegisteredAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ApiKey,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ApiKeyNotice = null);

/// <summary>Internal (ToolService → AgentService): tool names to take out of every agent's grants.</summary>
public sealed record RevokeGrantsRequest(IReadOnlyList<string>? Tools);

/// <summary>The agents whose grants changed.</summary>
public sealed record RevokeGrantsResponse(IReadOnlyList<string> Agents);
