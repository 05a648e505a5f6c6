using System.Text.Json;
using AgentOrchestration.ToolService.Search;
using ModelContextProtocol.Protocol;

namespace AgentOrchestration.ToolService.Mcp;

/// <summary>
/// The registry's own MCP tool <c>find_tools {query, limit}</c>: the caller's enabled tools that best match a question,
/// by hybrid search, each with its input schema, so a client behind hundreds of tools can ask instead of listing them.
/// </summary>
public static class ToolFinder
{
    public const string Name = "find_tools";
    public const int DefaultLimit = 10;
    public const int MaxLimit = 50;
    public const int MaxQueryLength = 256;

    public static readonly Tool Definition = new()
    {
        Name = Name,
        Title = "Find tools",
        Description = "Finds the tools you may call that best match what you want to do, described in plain words "
                      + "(\"will it rain tomorrow\", \"refund a payment\"), with each tool's input schema.",
        InputSchema = JsonDocument.Parse($$"""
            {
              "type": "object",
              "properties": {
                "query": { "type": "string", "minLength": 1, "maxLength": {{MaxQueryLength}}, "description": "What you want to do." },
                "limit": { "type": "integer", "minimum": 1, "maximum": {{MaxLimit}}, "default": {{DefaultLimit}}, "description": "How many tools at most." }
              },
              "required": ["query"],
              "additionalProperties": false
            }
            """).RootElement.Clone(),
    };

    public static async ValueTask<CallToolResult> FindAsync(
        IReadOnlyDictionary<string, JsonElement>? arguments, IReadOnlyList<string>? allowed, ToolSearch search, CancellationToken cancellationToken)
    {
        if (Invalid(arguments, out var query, out var limit) is { } problem)
        {
            return new CallToolResult { IsError = true, Content = [new TextContentBlock { Text = problem }] };
        }

        var found = await search.FindAsync(
            new ToolQuery(query, null, null, allowed, limit, SearchMode.Hybrid, EnabledOnly: true), cancellationToken);
        var result = JsonSerializer.SerializeToElement(new
        {
            tools = found.Hits.Select(h => new
            {
                name = h.Tool.Name,
                description = h.Tool.Description,
                inputSchema = h.Tool.InputSchema.RootElement,
                score = h.Score is { } s ? Math.Round(s, 4) : (double?)null,
                matched = h.Matched,
            }),
            mode = found.Mode,
            degraded = found.Degraded,
        }, JsonSerializerOptions.Web);
        return new CallToolResult { Content = [new TextContentBlock { Text = result.GetRawText() }], StructuredContent = result };
    }

    private static string? Invalid(IReadOnlyDictionary<string, JsonElement>? arguments, out string query, out int limit)
    {
        query = "";
        limit = DefaultLimit;
        arguments ??= new Dictionary<string, JsonElement>();
        if (arguments.Keys.FirstOrDefault(k => k is not ("query" or "limit")) is { } unknown)
        {
            return $"/arguments/{unknown}: find_tools takes only 'query' and 'limit'.";
        }

        if (!arguments.TryGetValue("query", out var q) || q.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(q.GetString()))
        {
            return "/arguments/query: a non-empty string saying what you want to do is required.";
        }

        query = q.GetString()!;
        if (query.Length > MaxQueryLength || !ServiceCommon.StorableJson.IsStorable(query))
        {
            return $"/arguments/query: at most {MaxQueryLength} characters of text.";
        }

        if (arguments.TryGetValue("limit", out var l))
        {
            if (l.ValueKind != JsonValueKind.Number || !l.TryGetDouble(out var value) || value != Math.Floor(value) || value is < 1 or > MaxLimit)
            {
                return $"/arguments/limit: an integer from 1 to {MaxLimit}.";
            }

            limit = (int)value;
        }

        return null;
    }
}
