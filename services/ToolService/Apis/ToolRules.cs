using AgentOrchestration.ServiceCommon;
using System.Text.Json;
using AgentOrchestration.ServiceCommon.Contracts;
using AgentOrchestration.ToolService.Invocation;
using AgentOrchestration.ToolService.Model;

namespace AgentOrchestration.ToolService.Apis;

/// <summary>Checks of a tool registration or update; errors are keyed by JSON Pointer.</summary>
public static class ToolRules
{
    public const int MaxDescriptionLength = 4096;
    public const int MaxTimeoutMs = 600_000;
    public const int MaxHeaders = 32;
    public const int MaxHeaderValueLength = 8192;
    private static readonly string[] Methods = ["GET", "POST", "PUT", "PATCH", "DELETE"];

    /// <summary>
    /// Headers the service sets itself or that describe the connection (RFC 9110 §7.6.1 hop-by-hop fields, framing,
    /// routing): a tool that set them could smuggle a second request or reach another virtual host.
    /// </summary>
    private static readonly HashSet<string> ForbiddenHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Host", "Content-Length", "Content-Type", "Content-Encoding", "Transfer-Encoding", "Connection", "Keep-Alive",
        "Proxy-Connection", "Proxy-Authorization", "Proxy-Authenticate", "Upgrade", "TE", "Trailer", "Expect",
        "Forwarded", "X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Proto",
    };

    public static Dictionary<string, string[]> Validate(CreateToolRequest request)
    {
        var errors = new Dictionary<string, string[]>();
        if (request.Name is null)
        {
            errors["/name"] = ["The name is required."];
        }
        else if (!AgentRules.IsToolName(request.Name))
        {
            errors["/name"] = ["A tool name is words of letters, digits, _ and - separated by dots, such as 'weather.get'."];
        }
        else if (request.Name == Mcp.ToolFinder.Name)
        {
            errors["/name"] = [$"'{Mcp.ToolFinder.Name}' is the name of the registry's own tool finder on /mcp."];
        }

        if (request.Kind != "http")
        {
            errors["/kind"] = ["Only 'http' tools are registered here: builtin tools ship with the service and MCP tools come from POST /tool-sources."];
        }

        if (request.InputSchema is null)
        {
            errors["/inputSchema"] = ["The input schema is required."];
        }

        if (request.Http is null)
        {
            errors["/http"] = ["An HTTP tool needs its target: { \"url\", \"method\", \"headers\" }."];
        }

        ValidateCommon(request.Description, request.Http, request.Tags, request.TimeoutMs, errors);
        return errors;
    }

    public static Dictionary<string, string[]> Validate(UpdateToolRequest request, Tool tool)
    {
        var errors = new Dictionary<string, string[]>();
        var changesDefinition = request.Description is not null || request.InputSchema is not null
            || request.OutputSchema is not null || request.Http is not null;
        if (tool.Kind != ToolKind.Http && changesDefinition)
        {
            errors["/"] = [$"A {tool.Kind.ToString().ToLowerInvariant()} tool's definition is not editable; only enabled, tags and timeoutMs are."];
        }

        ValidateCommon(request.Description, request.Http, request.Tags, request.TimeoutMs, errors);
        return errors;
    }

    /// <summary>
    /// Why the schemas cannot be used (an invalid pattern, a <c>$ref</c> that resolves nowhere, not a schema at all),
    /// keyed by pointer: answered 422, as the request is well-formed but its schema would fail every call.
    /// </summary>
    public static Dictionary<string, string[]> ValidateSchemas(JsonElement? inputSchema, JsonElement? outputSchema)
    {
        var errors = new Dictionary<string, string[]>();
        if (inputSchema is { } input)
        {
            foreach (var (pointer, messages) in ToolSchemas.Check(input, "/inputSchema"))
            {
                errors[pointer] = messages;
            }
        }

        if (outputSchema is { ValueKind: not JsonValueKind.Null } output)
        {
            foreach (var (pointer, messages) in ToolSchemas.Check(output, "/outputSchema"))
            {
                errors[pointer] = messages;
            }
        }

        return errors;
    }

    private static void ValidateCommon(string? description, HttpToolSpec? http, IReadOnlyList<string>? tags, int? timeoutMs,
        Dictionary<string, string[]> errors)
    {
        if (description is { Length: > MaxDescriptionLength })
        {
            errors["/description"] = [$"The description must be at most {MaxDescriptionLength} characters long."];
        }

        if (http is not null)
        {
            if (!Uri.TryCreate(http.Url, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
            {
                errors["/http/url"] = ["The URL must be an absolute http or https URL."];
            }

            if (http.Method is not null && !Methods.Contains(http.Method.ToUpperInvariant()))
            {
                errors["/http/method"] = [$"The method must be one of {string.Join(", ", Methods)}."];
            }

            ValidateHeaders(http.Headers, errors);
        }

        if (tags is { Count: > 32 } || tags?.Any(t => string.IsNullOrWhiteSpace(t) || t.Length > 64) == true)
        {
            errors["/tags"] = ["At most 32 tags of 1 to 64 characters each."];
        }

        if (timeoutMs is < 1 or > MaxTimeoutMs)
        {
            errors["/timeoutMs"] = [$"timeoutMs must be between 1 and {MaxTimeoutMs}."];
        }
    }

    /// <summary>
    /// Header names are RFC 9110 tokens; values are visible ASCII, spaces and tabs (obs-text aside): a CR, LF or NUL
    /// would end the header and start another, which is how a stored tool would inject headers into its requests.
    /// </summary>
    private static void ValidateHeaders(IReadOnlyDictionary<string, string>? headers, Dictionary<string, string[]> errors)
    {
        if (headers is null)
        {
            return;
        }

        if (headers.Count > MaxHeaders)
        {
            errors["/http/headers"] = [$"At most {MaxHeaders} headers."];
            return;
        }

        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in headers)
        {
            var pointer = $"/http/headers/{JsonPointers.Escape(name)}";
            if (name.Length == 0 || name.Any(c => c <= ' ' || c >= 127 || "()<>@,;:\\\"/[]?={}".Contains(c)))
            {
                errors[pointer] = ["Not a valid HTTP header name."];
            }
            else if (ForbiddenHeaders.Contains(name) || name.StartsWith("Proxy-", StringComparison.OrdinalIgnoreCase))
            {
                errors[pointer] = [$"The header '{name}' is set by the service or describes the connection; a tool may not set it."];
            }
            else if (!seen.Add(name))
            {
                errors[pointer] = ["Header names are case-insensitive: this one is given twice."];
            }
            else if (value is null || value.Length > MaxHeaderValueLength || value.Any(c => c is < ' ' and not '\t' || c == 127 || c > 255))
            {
                errors[pointer] = [$"A header value is at most {MaxHeaderValueLength} characters of visible ASCII, spaces and tabs: no CR, LF, NUL or other control characters."];
            }
        }
    }
}
