namespace AgentOrchestration.ToolService.Invocation;

/// <summary>Limits on what a tool call returns (configuration section "Limits").</summary>
public sealed class ToolOutputOptions
{
    /// <summary>Output beyond this many bytes of JSON is cut and flagged <c>truncated</c>.</summary>
    public int MaxToolOutputBytes { get; set; } = 256 * 1024;
}
