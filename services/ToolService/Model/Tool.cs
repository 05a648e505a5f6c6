using System.Text.Json;
using System.Text.Json.Serialization;

namespace AgentOrchestration.ToolService.Model;

[JsonConverter(typeof(JsonStringEnumConverter<ToolKind>))]
public enum ToolKind
{
    [JsonStringEnumMemberName("builtin")] Builtin,
    [JsonStringEnumMemberName("http")] Http,
    [JsonStringEnumMemberName("mcp")] Mcp,
}

public sealed class Tool
{
    public Guid Id { get; set; }

    /// <summary>Namespaced and unique, e.g. "math.add" or "everything.echo".</summary>
    public required string Name { get; set; }

    public string Description { get; set; } = "";

    /// <summary>JSON Schema 2020-12 the arguments must satisfy.</summary>
    public required JsonDocument InputSchema { get; set; }

    public JsonDocument? OutputSchema { get; set; }
    public ToolKind Kind { get; set; }

    /// <summary>Kind-specific settings (the HTTP target, the MCP source and remote tool name).</summary>
    public JsonDocument? Config { get; set; }

    public List<string> Tags { get; set; } = [];

    /// <summary>Secrets of the tool (an HTTP tool's headers), encrypted with Data Protection; never returned.</summary>
    public string? ProtectedSecrets { get; set; }

    /// <summary>The MCP tool source this tool came from, if any.</summary>
    public string? SourceName { get; set; }

    /// <summary>What search matches against: name (also split at dots), description and tags.</summary>
    public string SearchText { get; private set; } = "";
    public bool Enabled { get; set; } = true;
    public int TimeoutMs { get; set; } = 30_000;
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>Call after changing the name, description or tags.</summary>
    public void RefreshSearchText() =>
        SearchText = $"{Name} {Name.Replace('.', ' ').Replace('_', ' ').Replace('-', ' ')} {Description} {string.Join(' ', Tags)}";
}
