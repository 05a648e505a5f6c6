using System.Text.Json;
using Json.Schema;

namespace AgentOrchestration.ServiceCommon;

/// <summary>JSON Schema 2020-12 with JsonSchema.Net, the way every service uses it.</summary>
public static class JsonSchemas
{
    /// <summary>Builds a schema in a registry of its own: schemas of different tools may reuse one $id without clashing.</summary>
    public static JsonSchema Build(JsonElement schema) =>
        JsonSchema.Build(schema, new BuildOptions { SchemaRegistry = new SchemaRegistry() });

    /// <summary>
    /// Every violation as (JSON Pointer of the offending value, readable message); the pointer is prefixed with
    /// <paramref name="pointerPrefix"/>. Results under a path containing <paramref name="skipEvaluationPath"/> are left out.
    /// </summary>
    public static IEnumerable<(string Pointer, string Message)> Violations(
        JsonSchema schema, JsonElement instance, string pointerPrefix = "", string? skipEvaluationPath = null)
    {
        var results = schema.Evaluate(instance, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (results.IsValid)
        {
            yield break;
        }

        var any = false;
        foreach (var detail in results.Details ?? [])
        {
            if (detail.Errors is null
                || (skipEvaluationPath is not null && detail.EvaluationPath.ToString().Contains(skipEvaluationPath, StringComparison.Ordinal)))
            {
                continue;
            }

            foreach (var (_, message) in detail.Errors)
            {
                any = true;
                // "false schema" is how JSON Schema says a property is not allowed (additionalProperties: false).
                yield return (pointerPrefix + detail.InstanceLocation,
                    message.Contains("false schema", StringComparison.Ordinal) ? "This property is not allowed." : message);
            }
        }

        if (!any && skipEvaluationPath is null)
        {
            yield return (pointerPrefix.Length == 0 ? "/" : pointerPrefix, "The value does not match its schema.");
        }
    }

    /// <summary>The violations grouped by pointer, each message once.</summary>
    public static Dictionary<string, string[]> ToErrors(this IEnumerable<(string Pointer, string Message)> violations) =>
        violations.GroupBy(v => v.Pointer).ToDictionary(g => g.Key, g => g.Select(v => v.Message).Distinct().ToArray());
}
