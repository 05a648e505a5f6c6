using AgentOrchestration.ServiceCommon.Contracts;

namespace AgentOrchestration.AgentService.Model;

public sealed class Agent
{
    public Guid Id { get; set; }

    /// <summary>Lower case; unique.</summary>
    public required string Name { get; set; }

    public string? Description { get; set; }
    public AgentStatus Status { get; set; }
    public List<string> Tools { get; set; } = [];

    /// <summary>
    /// Labels as "key=value" strings: a Postgres text[] with a GIN index answers "has label k=v" and "has label k"
    /// with an index scan, which a JSON column would not without extra SQL.
    /// </summary>
    public List<string> LabelPairs { get; set; } = [];

    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>Incremented on every change; the ETag, and EF Core's concurrency token.</summary>
    public int Version { get; set; }

    public IReadOnlyDictionary<string, string> Labels
    {
        get => LabelPairs.Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : "");
        set => LabelPairs = value.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value}").ToList();
    }

    public AgentResponse ToResponse() =>
        new(Id, Name, Description, Status, Tools, Labels, CreatedAt, UpdatedAt, Version);
}
