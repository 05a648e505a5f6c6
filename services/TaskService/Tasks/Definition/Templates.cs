using AgentOrchestration.ServiceCommon;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace AgentOrchestration.TaskService.Tasks.Definition;

/// <summary>
/// {{path}} templates in step arguments and the task output. A string that is exactly one template becomes the
/// referenced JSON value (a number stays a number); templates inside a longer string are interpolated as text.
/// Paths: input.…, steps.&lt;id&gt;.output.…, steps.&lt;id&gt;.status.
/// </summary>
public static partial class Templates
{
    [GeneratedRegex(@"\{\{\s*([^{}\s]+)\s*\}\}")]
    private static partial Regex TemplatePattern();

    [GeneratedRegex(@"^\{\{\s*([^{}\s]+)\s*\}\}$")]
    private static partial Regex WholeTemplatePattern();

    /// <summary>Every template path in the value, with the JSON Pointer of the string that holds it.</summary>
    public static IEnumerable<(string Pointer, string Path)> FindAll(JsonElement value, string pointer = "")
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                foreach (Match match in TemplatePattern().Matches(value.GetString()!))
                {
                    yield return (pointer, match.Groups[1].Value);
                }

                break;
            case JsonValueKind.Object:
                foreach (var property in value.EnumerateObject())
                {
                    foreach (var found in FindAll(property.Value, $"{pointer}/{Escape(property.Name)}"))
                    {
                        yield return found;
                    }
                }

                break;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in value.EnumerateArray())
                {
                    foreach (var found in FindAll(item, $"{pointer}/{index++}"))
                    {
                        yield return found;
                    }
                }

                break;
        }
    }

    public static bool ContainsTemplate(JsonElement value) => FindAll(value).Any();

    /// <summary>The step a path refers to ("steps.a.output.x" → "a"), or null for input paths.</summary>
    public static string? ReferencedStep(string path)
    {
        var parts = path.Split('.');
        return parts.Length >= 2 && parts[0] == "steps" ? parts[1] : null;
    }

    /// <summary>Null when the path has a valid shape, else what is wrong with it.</summary>
    public static string? CheckPath(string path)
    {
        var parts = path.Split('.');
        return parts[0] switch
        {
            "input" => null,
            "steps" when parts.Length >= 3 && parts[2] == "output" => null,
            "steps" when parts.Length == 3 && parts[2] == "status" => null,
            _ => $"'{{{{{path}}}}}' is not a valid reference: use input.…, steps.<id>.output.… or steps.<id>.status.",
        };
    }

    /// <summary>
    /// Replaces every template in the value using the context; a path that leads nowhere is null. Templates can multiply
    /// an output (one 200 KB output referenced 25 times), so resolution stops with <see cref="TemplateTooLargeException"/>
    /// once what it produced passes <paramref name="maxChars"/>, before the result is ever built in full.
    /// </summary>
    public static JsonNode? Resolve(JsonElement value, JsonElement context, int maxChars = int.MaxValue) =>
        Resolve(value, context, new Budget(maxChars));

    private static JsonNode? Resolve(JsonElement value, JsonElement context, Budget budget) => value.ValueKind switch
    {
        JsonValueKind.String => ResolveString(value.GetString()!, context, budget),
        JsonValueKind.Object => new JsonObject(value.EnumerateObject()
            .Select(p => KeyValuePair.Create(budget.Take(p.Name), Resolve(p.Value, context, budget)))),
        JsonValueKind.Array => new JsonArray(value.EnumerateArray().Select(item => Resolve(item, context, budget)).ToArray()),
        _ => JsonNode.Parse(budget.Take(value.GetRawText())),
    };

    private static JsonNode? ResolveString(string text, JsonElement context, Budget budget)
    {
        var whole = WholeTemplatePattern().Match(text);
        if (whole.Success)
        {
            return Lookup(context, whole.Groups[1].Value) is { } found ? JsonNode.Parse(budget.Take(found.GetRawText())) : null;
        }

        return JsonValue.Create(TemplatePattern().Replace(budget.Take(text), match =>
            budget.Take(Lookup(context, match.Groups[1].Value) switch
            {
                null => "",
                { ValueKind: JsonValueKind.String } s => s.GetString()!,
                { } other => other.GetRawText(),
            })));
    }

    /// <summary>Counts the characters resolution produces (never fewer than the UTF-8 bytes they become).</summary>
    private sealed class Budget(int maxChars)
    {
        private long _used;

        public string Take(string text)
        {
            _used += text.Length;
            return _used > maxChars ? throw new TemplateTooLargeException(maxChars) : text;
        }
    }

    /// <summary>Walks a dotted path through objects (by name) and arrays (by index).</summary>
    public static JsonElement? Lookup(JsonElement context, string path)
    {
        var current = context;
        foreach (var part in path.Split('.'))
        {
            if (current.ValueKind == JsonValueKind.Object && current.TryGetProperty(part, out var next))
            {
                current = next;
            }
            else if (current.ValueKind == JsonValueKind.Array && int.TryParse(part, out var index) && index >= 0 && index < current.GetArrayLength())
            {
                current = current[index];
            }
            else
            {
                return null;
            }
        }

        return current;
    }

    private static string Escape(string name) => JsonPointers.Escape(name);
}

/// <summary>Resolved templates grew past the limit.</summary>
public sealed class TemplateTooLargeException(int limit) : Exception($"Resolving the templates produced more than {limit} characters.")
{
    public int Limit => limit;
}
