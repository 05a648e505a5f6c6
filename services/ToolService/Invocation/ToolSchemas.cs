using System.Collections.Concurrent;
using System.Text.Json;
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
            Build(schema);
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
        var built = _cache.GetOrAdd((toolId, version), _ => Build(schema));
        var results = built.Evaluate(arguments, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (results.IsValid)
        {
            return [];
        }

        var errors = new Dictionary<string, List<string>>();
        foreach (var detail in results.Details ?? [])
        {
            foreach (var (_, message) in detail.Errors ?? new Dictionary<string, string>())
            {
                var pointer = "/arguments" + detail.InstanceLocation.ToString();
                if (!errors.TryGetValue(pointer, out var list))
                {
                    errors[pointer] = list = [];
                }

                // "false schema" is how JSON Schema says a property is not allowed (additionalProperties: false).
                var readable = message.Contains("false schema", StringComparison.Ordinal) ? "This property is not allowed." : message;
                if (!list.Contains(readable))
                {
                    list.Add(readable);
                }
            }
        }

        if (errors.Count == 0)
        {
            errors["/arguments"] = ["The arguments do not match the tool's input schema."];
        }

        return errors.ToDictionary(e => e.Key, e => e.Value.ToArray());
    }

    // A registry per schema: tools' schemas may reuse the same $id without clashing in the global one.
    private static JsonSchema Build(JsonElement schema) =>
        JsonSchema.Build(schema, new BuildOptions { SchemaRegistry = new SchemaRegistry() });
}
