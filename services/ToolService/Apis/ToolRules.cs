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
    private static readonly string[] Methods = ["GET", "POST", "PUT", "PATCH", "DELETE"];

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

        ValidateCommon(request.Description, request.InputSchema, request.OutputSchema, request.Http, request.Tags, request.TimeoutMs, errors);
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

        ValidateCommon(request.Description, request.InputSchema, request.OutputSchema, request.Http, request.Tags, request.TimeoutMs, errors);
        return errors;
    }

    private static void ValidateCommon(string? description, JsonElement? inputSchema, JsonElement? outputSchema, HttpToolSpec? http,
        IReadOnlyList<string>? tags, int? timeoutMs, Dictionary<string, string[]> errors)
    {
        if (description is { Length: > MaxDescriptionLength })
        {
            errors["/description"] = [$"The description must be at most {MaxDescriptionLength} characters long."];
        }

        if (inputSchema is { } input && ToolSchemas.CheckIsSchema(input) is { } inputError)
        {
            errors["/inputSchema"] = [inputError];
        }

        if (outputSchema is { ValueKind: not JsonValueKind.Null } output && ToolSchemas.CheckIsSchema(output) is { } outputError)
        {
            errors["/outputSchema"] = [outputError];
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

            foreach (var name in http.Headers?.Keys ?? [])
            {
                if (name.Length == 0 || name.Any(c => c <= ' ' || c >= 127 || "()<>@,;:\\\"/[]?={}".Contains(c)))
                {
                    errors[$"/http/headers/{name}"] = ["Not a valid HTTP header name."];
                }
            }
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
}
