namespace AgentOrchestration.ToolService.Model;

/// <summary>A Streamable HTTP MCP server whose tools are registered as "&lt;source&gt;.&lt;tool&gt;".</summary>
public sealed class ToolSource
{
    public required string Name { get; set; }
    public required string Url { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? LastSyncAt { get; set; }
    public string? LastSyncError { get; set; }
    public int ToolCount { get; set; }
}
