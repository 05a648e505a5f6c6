using System.Collections.Concurrent;
using System.Text.Json;
using AgentOrchestration.ServiceCommon;
using Json.Schema;

namespace AgentOrchestration.ToolService.Invocation;

/// <summary>
/// JSON Schema 2020-12 checks with JsonSchema.Net. Built schemas are cached per tool version, because an
/// invocation should not pay for parsing the same schema again.
/// </summary>
public sealed class ToolSchemas
{
    private readonly ConcurrentDictionary<(Guid, DateTimeOffset), JsonSchema> _cache = new();

    /// <summary>Null when the document is a usable schema, else why not.</summary>
    public static string? CheckIsSchema(JsonElement schema)
    {
        if (schema.ValueKind != JsonValueKind.Object)
        {
            return "A tool's schema must be a JSON Schema object.";
        }

        try
        {
            JsonSchemas.Build(schema);
            return null;
        }
        catch (Exception ex) when (ex is JsonSchemaException or JsonException or ArgumentException or InvalidOperationException or KeyNotFoundException)
        {
            return $"Not a valid JSON Schema: {ex.Message}";
        }
    }

    /// <summary>Every violation of the tool's input schema, keyed by the JSON Pointer of the offending value.</summary>
    public Dictionary<string, string[]> Validate(Guid toolId, DateTimeOffset version, JsonElement schema, JsonElement arguments)
    {
        var built = _cache.GetOrAdd((toolId, version), _ => JsonSchemas.Build(schema));
        return JsonSchemas.Violations(built, arguments, "/arguments").ToErrors();
    }
}
