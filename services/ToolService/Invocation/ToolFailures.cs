namespace AgentOrchestration.ToolService.Invocation;

/// <summary>The tool ran and failed (bad input it could not handle, a 4xx, an MCP error result): not retried.</summary>
public class ToolFailureException(string message) : Exception(message);

/// <summary>The call may work if tried again (connection error, 5xx, 429, a lost MCP session).</summary>
public sealed class TransientToolException(string message, Exception? inner = null) : Exception(message, inner);
