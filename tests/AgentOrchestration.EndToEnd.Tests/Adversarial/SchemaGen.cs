using System.Text.Json.Nodes;
using CsCheck;

namespace AgentOrchestration.EndToEnd.Tests.Adversarial;

/// <summary>
/// Valid instances of a JSON Schema (the subset the published documents use: type lists, enum, $ref, oneOf/anyOf,
/// properties with required and additionalProperties, items, string and number bounds). Where a schema says only
/// "string", the property's name picks realistic values (a fresh name, one of the world's agents or tools, the
/// loopback tool server's URL), so generated requests get past the first lookup and reach deeper code.
/// </summary>
public sealed class SchemaGen(FuzzWorld world, Caller caller, JsonObject components, JsonNode? root)
{
    private const int MaxDepth = 5;
    private const string Hex = "0123456789abcdef";
    private const string Text = "abcdefghijklmnopqrstuvwxyz ABCXYZ0123456789-_.:/{}";

    private static readonly string[] SmallSchemas =
    [
        """{"type":"object"}""",
        """{"type":"object","properties":{"text":{"type":"string","maxLength":50}},"required":["text"]}""",
        """{"type":"object","properties":{"a":{"type":"number"},"b":{"type":"integer","minimum":0}}}""",
    ];

    private static readonly string[] SmallArguments = ["""{"text":"hi"}""", """{"a":2,"b":3}""", "{}", """{"value":{"x":1},"path":"x"}"""];

    public Gen<JsonNode?> For(JsonNode? schema, string? property = null, int depth = 0)
    {
        if (schema is not JsonObject s)
        {
            return Hint(property) ?? AnyJson(depth);
        }

        if (s["$ref"]?.GetValue<string>() is { } reference)
        {
            return For(Resolve(reference), property, depth);
        }

        if (s["enum"] is JsonArray values)
        {
            return Gen.OneOf([.. values.Select(v => v?.ToJsonString() ?? "null")]).Select(Parse);
        }

        if (s["type"] is null && (s["oneOf"] ?? s["anyOf"]) is JsonArray branches && branches.All(b => b is JsonObject { Count: > 0 } o && (o["type"] is not null || o["$ref"] is not null)))
        {
            return Gen.OneOf([.. branches.Select(b => (IGen<JsonNode?>)For(b, property, depth))]);
        }

        var types = s["type"] switch
        {
            JsonArray list => list.Select(t => t!.GetValue<string>()).ToArray(),
            JsonValue one => [one.GetValue<string>()],
            _ => s["properties"] is not null ? ["object"] : [],
        };
        if (types.Length == 0)
        {
            return Hint(property) ?? AnyJson(depth);
        }

        var concrete = types.Where(t => t != "null").ToArray();
        var gens = concrete.Select(t => (IGen<JsonNode?>)ForType(t, s, property, depth)).ToArray();
        var some = gens.Length == 0 ? Gen.Const((JsonNode?)null) : Gen.OneOf(gens);
        return types.Contains("null") ? Gen.Frequency((9, (IGen<JsonNode?>)some), (1, Gen.Const((JsonNode?)null))) : some;
    }

    private Gen<JsonNode?> ForType(string type, JsonObject s, string? property, int depth) => type switch
    {
        // Integers that the OpenAPI document also allows as strings (int32 with a pattern) are sent as numbers.
        "integer" => Integer(s, property),
        "number" => Integer(s, property),
        "boolean" => Gen.Bool.Select(b => (JsonNode?)JsonValue.Create(b)),
        "array" => Array(s, property, depth),
        "object" => Object(s, depth),
        "string" when s["pattern"]?.GetValue<string>() is { } p && p.StartsWith("^-?(?:0|", StringComparison.Ordinal) => Integer(s, property),
        _ => Hint(property) ?? String(s),
    };

    private static Gen<JsonNode?> Integer(JsonObject s, string? property)
    {
        var min = (int?)s["minimum"]?.GetValue<double>() ?? (property?.Contains("timeout", StringComparison.OrdinalIgnoreCase) == true ? 1 : -5);
        var max = (int)Math.Min(s["maximum"]?.GetValue<double>() ?? 60000, 60000);
        return Gen.Int[min, Math.Max(min, max)].Select(i => (JsonNode?)JsonValue.Create(i));
    }

    private static Gen<JsonNode?> String(JsonObject s)
    {
        if (s["pattern"]?.GetValue<string>() is "^[A-Za-z0-9_-]{1,64}$")
        {
            return Gen.OneOf("a", "b", "c").Select(v => (JsonNode?)JsonValue.Create(v));
        }

        var min = (int?)s["minLength"]?.GetValue<double>() ?? 0;
        var max = Math.Min((int?)s["maxLength"]?.GetValue<double>() ?? 24, 24);
        return Gen.Char[Text].Array[min, Math.Max(min, max)].Select(c => (JsonNode?)JsonValue.Create(new string(c)));
    }

    private Gen<JsonNode?> Array(JsonObject s, string? property, int depth)
    {
        var min = (int?)s["minItems"]?.GetValue<double>() ?? 0;
        var item = For(s["items"], property, depth + 1);
        return item.Array[min, Math.Max(min, depth >= MaxDepth ? min : 3)].Select(items => (JsonNode?)new JsonArray([.. items]));
    }

    private Gen<JsonNode?> Object(JsonObject s, int depth)
    {
        var properties = s["properties"] as JsonObject ?? [];
        var required = Names(s["required"]);
        // A oneOf of required/not branches (the task schema's long and short forms): pick a branch, honour both halves.
        var excluded = new HashSet<string>();
        var branchGen = Gen.Const((Required: (IReadOnlyList<string>)[], Excluded: (IReadOnlyList<string>)[]));
        if (s["oneOf"] is JsonArray branches && branches.All(b => b?["type"] is null && b?["$ref"] is null))
        {
            branchGen = Gen.OneOf([.. branches.Select(b => (Required: (IReadOnlyList<string>)Names(b!["required"]),
                Excluded: (IReadOnlyList<string>)[.. Names(b["not"]?["required"]), .. (b["not"]?["anyOf"] as JsonArray ?? []).SelectMany(a => Names(a!["required"]))]))]);
        }

        var fields = properties.Select(p => (Name: p.Key, Value: For(p.Value, p.Key, depth + 1))).ToList();
        var extra = s["additionalProperties"] is JsonObject additional && depth < MaxDepth
            ? Gen.Select(KeyFor(s), For(additional, null, depth + 1), (k, v) => (k, v)).Array[0, 2]
            : Gen.Const(System.Array.Empty<(string, JsonNode?)>());
        var include = Gen.Bool.Array[fields.Count, fields.Count];
        var values = Gen.Const(System.Array.Empty<JsonNode?>());
        foreach (var field in fields)
        {
            values = Gen.Select(values, field.Value, (before, value) => (JsonNode?[])[.. before, value]);
        }

        return Gen.Select(branchGen, include, values, extra, (branch, on, v, more) =>
        {
            var obj = new JsonObject();
            for (var i = 0; i < fields.Count; i++)
            {
                var name = fields[i].Name;
                if (!branch.Excluded.Contains(name) && (required.Contains(name) || branch.Required.Contains(name) || on[i]))
                {
                    obj[name] = v[i];
                }
            }

            foreach (var (key, value) in more)
            {
                obj[key] = value;
            }

            return (JsonNode?)obj;
        });
    }

    private static Gen<string> KeyFor(JsonObject s) =>
        s["additionalProperties"]?["type"]?.ToString() == "string" ? Gen.OneOf("team", "env", "X-Adv", "k1") : Gen.OneOf("k1", "k2");

    private static List<string> Names(JsonNode? list) => list is JsonArray a ? [.. a.Select(n => n!.GetValue<string>())] : [];

    /// <summary>Realistic values for a property by its name, or null when the schema's own generator should be used.</summary>
    private Gen<JsonNode?>? Hint(string? property) => property?.ToLowerInvariant() switch
    {
        "name" => Gen.Char[Hex].Array[8, 8].Select(c => (JsonNode?)JsonValue.Create($"adv-{new string(c)}")),
        "agent" => Constant(caller.AgentName is { } own ? [own] : world.AgentNames),
        "tool" or "tools" or "names" => Constant(world.Tools),
        "url" => Constant([world.HttpToolUrl]),
        "kind" => Constant(["http"]),
        "method" => Constant(["POST", "GET"]),
        "role" => Constant(["viewer", "admin", "agent"]),
        "dependson" => Constant(["a", "b"]),
        "tags" => Constant(["adv", "fuzz"]),
        "inputschema" or "outputschema" => Gen.OneOf(SmallSchemas).Select(Parse),
        "arguments" => Gen.OneOf(SmallArguments).Select(Parse),
        "input" => Gen.OneOf("""{"x":"y"}""", "null", "[1,2]").Select(Parse),
        "output" => Gen.OneOf("\"{{steps.a.output}}\"", "\"{{input.x}}\"", "null").Select(Parse),
        _ => null,
    };

    private static Gen<JsonNode?> Constant(IReadOnlyList<string> values) => Gen.OneOf([.. values]).Select(v => (JsonNode?)JsonValue.Create(v));

    private Gen<JsonNode?> AnyJson(int depth)
    {
        var scalar = Gen.OneOf("null", "true", "1", "-2.5", "\"text\"", "\"\"");
        return depth >= MaxDepth
            ? scalar.Select(Parse)
            : Gen.OneOf(scalar, Gen.OneOf("""{"a":1}""", "[1,\"x\",null]", """{"nested":{"k":[true]}}""")).Select(Parse);
    }

    private JsonNode? Resolve(string reference)
    {
        const string component = "#/components/schemas/";
        const string definition = "#/$defs/";
        return reference.StartsWith(component, StringComparison.Ordinal) ? components[reference[component.Length..]]
            : reference.StartsWith(definition, StringComparison.Ordinal) ? root?["$defs"]?[reference[definition.Length..]]
            : null;
    }

    private static JsonNode? Parse(string json) => JsonNode.Parse(json);
}
