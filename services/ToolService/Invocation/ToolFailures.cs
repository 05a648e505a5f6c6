namespace AgentOrchestration.ToolService.Invocation;

/// <summary>The tool ran and failed (bad input it could not handle, a 4xx, an MCP error result): not retried.</summary>
public class ToolFailureException(string message, string? code = null) : Exception(message)
{
    /// <summary>A stable code for failures callers may want to tell apart (e.g. ssrf_blocked).</summary>
    public string? Code { get; } = code;
}

/// <summary>The call may work if tried again (connection error, 5xx, 429, a lost MCP session).</summary>
public sealed class TransientToolException(string message, Exception? inner = null) : Exception(message, inner);
