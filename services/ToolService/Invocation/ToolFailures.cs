namespace AgentOrchestration.ToolService.Invocation;

/// <summary>The tool ran and failed (bad input it could not handle, a 4xx, an MCP error result): not retried.</summary>
public class ToolFailureException(string message, string? code = null) : Exception(message)
{
    /// <summary>A stable code for failures callers may want to tell apart (e.g. ssrf_blocked).</summary>
    public string? Code { get; } = code;
}

/// <summary>
/// The call may work if tried again (connection error, 5xx, 429, a lost MCP session). Whether trying again is safe
/// depends on <see cref="Sent"/>: a request that never left (connection refused) may be repeated for any tool; one the
/// tool may have acted on only for an idempotent tool.
/// </summary>
public sealed class TransientToolException(string message, Exception? inner = null, bool sent = true) : Exception(message, inner)
{
    /// <summary>False when the request certainly did not reach the tool.</summary>
    public bool Sent { get; } = sent;
}
