namespace AgentOrchestration.ToolService.Model;

/// <summary>Where an HTTP tool sends its arguments. Its headers are kept apart, encrypted.</summary>
public sealed record HttpToolConfig(string Url, string Method, IReadOnlyList<string> HeaderNames);

/// <summary>Which tool of which MCP source an "mcp" tool calls.</summary>
public sealed record McpToolConfig(string Source, string RemoteName);
