namespace AgentOrchestration.ToolService.Model;

/// <summary>Where an HTTP tool sends its arguments. Its headers are kept apart, encrypted.</summary>
public sealed record HttpToolConfig(string Url, string Method, IReadOnlyList<string> HeaderNames, bool? Idempotent = null)
{
    /// <summary>Methods whose repetition has the effect of one request (RFC 9110 §9.2.2); POST and PATCH are not.</summary>
    public static bool IdempotentByDefault(string method) => method is "GET" or "HEAD" or "PUT" or "DELETE" or "OPTIONS";

    /// <summary>Whether a failed call may be repeated: the tool's own say, else its method's.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsIdempotent => Idempotent ?? IdempotentByDefault(Method);
}

/// <summary>Which tool of which MCP source an "mcp" tool calls.</summary>
public sealed record McpToolConfig(string Source, string RemoteName);
