using System.Text.Json;
using System.Text.RegularExpressions;
using Json.Schema;
using Json.Schema.Keywords;

namespace AgentOrchestration.ServiceCommon;

/// <summary>JSON Schema 2020-12 with JsonSchema.Net, the way every service uses it.</summary>
public static class JsonSchemas
{
    /// <summary>
    /// How long one <c>pattern</c>/<c>patternProperties</c> match may run. Schemas come from users and MCP servers, and
    /// JsonSchema.Net 8 builds their regexes with the backtracking engine and no timeout, so <c>^(a+)+$</c> against
    /// 40 'a's and a '!' would hold a core for hours. Legitimate patterns match in microseconds.
    /// </summary>
    public static readonly TimeSpan PatternMatchTimeout = TimeSpan.FromMilliseconds(500);

    /// <summary>The message of a violation whose pattern ran out of time.</summary>
    public const string PatternTooSlow = "The value took too long to match the schema's pattern; the pattern backtracks too much for it.";

    /// <summary>
    /// Builds a schema in a registry of its own (schemas of different tools may reuse one $id without clashing), with
    /// every regex rebuilt to time out (<see cref="PatternMatchTimeout"/>).
    /// </summary>
    public static JsonSchema Build(JsonElement schema)
    {
        var built = JsonSchema.Build(schema, new BuildOptions { SchemaRegistry = new SchemaRegistry() });
        if (built.Root is { } root)
        {
            BoundRegexes(root, []);
        }

        return built;
    }

    /// <summary>
    /// Every violation as (JSON Pointer of the offending value, readable message); the pointer is prefixed with
    /// <paramref name="pointerPrefix"/>. Results under a path containing <paramref name="skipEvaluationPath"/> are left out.
    /// A pattern that runs out of time is a violation (<see cref="PatternTooSlow"/>), never a hang.
    /// </summary>
    public static IEnumerable<(string Pointer, string Message)> Violations(
        JsonSchema schema, JsonElement instance, string pointerPrefix = "", string? skipEvaluationPath = null)
    {
        EvaluationResults results;
        try
        {
            results = schema.Evaluate(instance, new EvaluationOptions { OutputFormat = OutputFormat.List });
        }
        catch (RegexMatchTimeoutException)
        {
            return [(pointerPrefix.Length == 0 ? "/" : pointerPrefix, PatternTooSlow)];
        }

        return results.IsValid ? [] : Details(results, pointerPrefix, skipEvaluationPath).ToList();
    }

    private static IEnumerable<(string Pointer, string Message)> Details(EvaluationResults results, string pointerPrefix, string? skipEvaluationPath)
    {
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

    /// <summary>
    /// Replaces the regexes JsonSchema.Net built (no timeout, compiled) with interpreted ones that time out: same
    /// pattern and ECMAScript semantics. Interpreted, because compiling every pattern of a large schema costs more
    /// than matching tool arguments ever will.
    /// </summary>
    private static void BoundRegexes(JsonSchemaNode node, HashSet<JsonSchemaNode> seen)
    {
        if (!seen.Add(node))
        {
            return;
        }

        foreach (var keyword in node.Keywords ?? [])
        {
            switch (keyword.Value)
            {
                case Regex regex when keyword.Handler is PatternKeyword:
                    keyword.Value = Bounded(regex);
                    break;
                case Dictionary<string, Regex> regexes when keyword.Handler is PatternPropertiesKeyword:
                    keyword.Value = regexes.ToDictionary(r => r.Key, r => Bounded(r.Value));
                    break;
            }

            // A reference's target is followed too: it may sit where no keyword leads (under an unknown keyword, or
            // draft-07 "definitions"), and `seen` stops cycles.
            foreach (var subschema in keyword.Subschemas ?? [])
            {
                BoundRegexes(subschema, seen);
            }
        }
    }

    /// <summary>
    /// The non-backtracking engine where the pattern allows it: linear in the input, so no body of many strings that
    /// each match just under the timeout can add up to minutes of CPU. (It reads \d and \w as Unicode classes, a
    /// little wider than ECMAScript's ASCII ones.) Lookarounds and backreferences need the backtracking engine; those
    /// keep the per-match timeout.
    /// </summary>
    private static Regex Bounded(Regex regex)
    {
        var pattern = regex.ToString();
        try
        {
            return new Regex(pattern, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant, PatternMatchTimeout);
        }
        catch (NotSupportedException)
        {
            return new Regex(pattern, regex.Options & ~RegexOptions.Compiled, PatternMatchTimeout);
        }
    }
}
