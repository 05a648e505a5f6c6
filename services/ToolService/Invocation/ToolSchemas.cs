using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.RegularExpressions;
using AgentOrchestration.ServiceCommon;
using Json.Schema;
using Json.Schema.Keywords;

namespace AgentOrchestration.ToolService.Invocation;

/// <summary>
/// JSON Schema 2020-12 checks with JsonSchema.Net. Built schemas are cached per tool version, because an
/// invocation should not pay for parsing the same schema again.
/// </summary>
public sealed class ToolSchemas
{
    private readonly ConcurrentDictionary<(Guid, DateTimeOffset), JsonSchema> _cache = new();

    /// <summary>
    /// Why the document cannot serve as a tool's schema, keyed by the JSON Pointer (under <paramref name="pointer"/>) of
    /// the offending part; empty when it can. Checked when a tool is registered or synced, so that nothing unusable is
    /// stored: a schema must build, every pattern must be a valid regex, and every <c>$ref</c> must resolve within it.
    /// </summary>
    public static Dictionary<string, string[]> Check(JsonElement schema, string pointer)
    {
        if (schema.ValueKind != JsonValueKind.Object)
        {
            return new() { [pointer] = ["A tool's schema must be a JSON Schema object."] };
        }

        if (StorableJson.FindUnstorable(schema) is { } unstorable)
        {
            return new() { [pointer + unstorable] = [StorableJson.Rule] };
        }

        JsonSchema built;
        try
        {
            built = JsonSchemas.Build(schema);
        }
        catch (RegexParseException ex)
        {
            return new() { [pointer + (FindInvalidPattern(schema, "") ?? "")] = [$"Not a valid regular expression: {ex.Message}"] };
        }
        catch (Exception ex) when (ex is JsonSchemaException or JsonException or ArgumentException or InvalidOperationException or KeyNotFoundException or FormatException)
        {
            return new() { [pointer] = [$"Not a valid JSON Schema: {ex.Message}"] };
        }

        var errors = new Dictionary<string, string[]>();
        if (built.Root is { } root)
        {
            var anchors = new HashSet<string>(StringComparer.Ordinal);
            CollectAnchors(root, anchors, []);
            CheckReferences(root, pointer, anchors, errors, []);
        }

        return errors;
    }

    /// <summary>Every violation of the tool's input schema, keyed by the JSON Pointer of the offending value.</summary>
    /// <exception cref="JsonSchemaException">The stored schema cannot be evaluated (one stored before schemas were checked).</exception>
    public Dictionary<string, string[]> Validate(Guid toolId, DateTimeOffset version, JsonElement schema, JsonElement arguments)
    {
        var built = _cache.GetOrAdd((toolId, version), _ => JsonSchemas.Build(schema));
        return JsonSchemas.Violations(built, arguments, "/arguments").ToErrors();
    }

    private static void CollectAnchors(JsonSchemaNode node, HashSet<string> anchors, HashSet<JsonSchemaNode> seen)
    {
        if (!seen.Add(node))
        {
            return;
        }

        foreach (var keyword in node.Keywords ?? [])
        {
            if (keyword.Handler.Name is "$anchor" or "$dynamicAnchor" && keyword.RawValue.ValueKind == JsonValueKind.String)
            {
                anchors.Add(keyword.RawValue.GetString()!);
            }

            if (keyword.Handler is not (RefKeyword or DynamicRefKeyword))
            {
                foreach (var subschema in keyword.Subschemas ?? [])
                {
                    CollectAnchors(subschema, anchors, seen);
                }
            }
        }
    }

    /// <summary>A <c>$ref</c> JsonSchema.Net could not resolve while building has no subschema; it would throw on every use.</summary>
    private static void CheckReferences(JsonSchemaNode node, string path, HashSet<string> anchors, Dictionary<string, string[]> errors,
        HashSet<JsonSchemaNode> seen)
    {
        if (!seen.Add(node))
        {
            return;
        }

        foreach (var keyword in node.Keywords ?? [])
        {
            var at = $"{path}/{Escape(keyword.Handler.Name)}";
            switch (keyword.Handler)
            {
                case RefKeyword when keyword.Subschemas is not { Length: > 0 }:
                    errors[at] = [$"The reference '{keyword.RawValue}' does not resolve within this schema; a tool's schema must be self-contained."];
                    continue;
                case DynamicRefKeyword when keyword.Subschemas is not { Length: > 0 }
                                             && !(keyword.RawValue.GetString() is ['#', .. var anchor] && anchors.Contains(anchor)):
                    errors[at] = [$"The dynamic reference '{keyword.RawValue}' names no anchor of this schema."];
                    continue;
                case RefKeyword or DynamicRefKeyword:
                    continue;
            }

            foreach (var subschema in keyword.Subschemas ?? [])
            {
                CheckReferences(subschema, at + subschema.RelativePath, anchors, errors, seen);
            }
        }
    }

    /// <summary>Where the first pattern that .NET cannot parse is, for the error's pointer.</summary>
    private static string? FindInvalidPattern(JsonElement element, string path)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    var at = $"{path}/{Escape(property.Name)}";
                    if (property.Name == "pattern" && property.Value.ValueKind == JsonValueKind.String && !Parses(property.Value.GetString()!))
                    {
                        return at;
                    }

                    if (property.Name == "patternProperties" && property.Value.ValueKind == JsonValueKind.Object
                        && property.Value.EnumerateObject().FirstOrDefault(p => !Parses(p.Name)) is { Name: { } bad })
                    {
                        return $"{at}/{Escape(bad)}";
                    }

                    if (FindInvalidPattern(property.Value, at) is { } found)
                    {
                        return found;
                    }
                }

                return null;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    if (FindInvalidPattern(item, $"{path}/{index++}") is { } found)
                    {
                        return found;
                    }
                }

                return null;
            default:
                return null;
        }
    }

    private static bool Parses(string pattern)
    {
        try
        {
            _ = new Regex(pattern, RegexOptions.ECMAScript, JsonSchemas.PatternMatchTimeout);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static string Escape(string token) => JsonPointers.Escape(token);
}
