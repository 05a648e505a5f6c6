using System.Text;
using System.Text.Json.Nodes;
using CsCheck;

namespace AgentOrchestration.EndToEnd.Tests.Adversarial;

/// <summary>A request with a body: who sends it, where, which mutations made it, and the bytes.</summary>
public sealed record BodySample(
    Operation Operation, Caller Caller, string Path, IReadOnlyList<Mutation> Mutations, byte[] Body, string? Name,
    IReadOnlyList<(string Name, string Value)> Headers)
{
    /// <summary>What made the sample hostile, to tell violations apart: the kinds of its mutations, or "valid".</summary>
    public string Cause => Mutations.Count == 0 ? "valid" : string.Join("+", Mutations.Select(m => m.Kind.ToString()).Distinct().Order(StringComparer.Ordinal));

    public override string ToString() =>
        $"{Operation.Method} {Path} as {Caller} [{string.Join(", ", Mutations)}] {string.Join(" ", Headers.Select(h => $"{h.Name}: {h.Value}"))} " +
        $"body ({Body.Length} bytes): {Answer.Excerpt(Encoding.UTF8.GetString(Body), 300)}";
}

/// <summary>A request whose parameters (path and query) are the input.</summary>
public sealed record ParameterSample(Operation Operation, Caller Caller, string PathAndQuery)
{
    public override string ToString() => $"{Operation.Method} {Answer.Excerpt(PathAndQuery, 300)} as {Caller}";
}

/// <summary>The generators of requests: schema instances, their mutations, and odd path and query values.</summary>
public sealed class Samples(FuzzWorld world)
{
    /// <summary>Path and query values that are hostile as such: encoded NUL, invalid UTF-8, dot segments, id shapes, sizes.</summary>
    private static readonly string[] OddValues =
    [
        "%00", "a%00b", "%ff", "%C3%28", "%ED%A0%80", "%2e%2e", "a%2Fb", "%0a", "adv%0d%0aX-Injected:%201", "%20", "null", "-1", "0",
        "0123456789abcdef0123456789abcdef", "01234567-89ab-cdef-0123-456789abcdef", "01234567-89AB-CDEF-0123-456789ABCDEF",
        "00000000-0000-0000-0000-000000000000", "%E2%80%AE", "*", "%25", "%u0000", "1e3", "1.0", "99999999999999999999",
        // Long, yet the whole request line stays under Kestrel's 8 KiB, whose own 414 no application code can shape.
        new string('a', 300), new string('a', 2500),
    ];

    /// <summary>Cursors a client could make up: base64 of nothing useful, of JSON, of binary, truncated, oversized.</summary>
    private static readonly string[] GarbageCursors =
    [
        "abc", "AAAA", "eyJ4IjoxfQ", "eyJ4IjoxfQ==", "%00", "!!!!", "////", "-1", "MA", Convert.ToBase64String(new byte[40]),
        Convert.ToBase64String(Encoding.UTF8.GetBytes("""{"name":"\u0000","id":"x"}""")), Convert.ToBase64String(Encoding.UTF8.GetBytes("2026-01-01T00:00:00Z|x")),
        new string('A', 2000), "%ff%fe",
    ];

    private static readonly Dictionary<string, string[]> ValidQuery = new(StringComparer.OrdinalIgnoreCase)
    {
        ["limit"] = ["1", "5", "200"],
        ["status"] = ["succeeded", "active", "failed"],
        ["level"] = ["info", "warning", "debug"],
        ["since"] = ["2026-01-01T00:00:00Z"],
        ["until"] = ["2030-01-01T00:00:00Z"],
        ["tool"] = ["echo"],
        ["label"] = ["team=adv", "team"],
        ["q"] = ["ad", "numbrs", "echo"],
        ["kind"] = ["http", "builtin", "mcp"],
        ["tag"] = ["math"],
        ["after"] = ["0", "3"],
        ["step"] = ["a", "step"],
    };

    public Gen<Caller> Admins => Gen.OneOf([.. world.Admins]);

    public Gen<Caller> Callers => Gen.Frequency(
        (4, (IGen<Caller>)Admins),
        (1, Gen.OneOf([.. world.Viewers])),
        (2, Gen.OneOf([.. world.Agents])));

    /// <summary>A valid instance of the operation's body schema, then mutations: a fifth stay valid, most get one, some two or three.</summary>
    public Gen<BodySample> Bodies(Operation operation, bool mutatedOnly = false, bool adminOnly = false) =>
        Gen.SelectMany(adminOnly ? Admins : Callers, caller =>
        {
            var instances = new SchemaGen(world, caller, operation.Components, operation.BodySchema).For(operation.BodySchema);
            // Mostly one mutation, so that an earlier check (malformed JSON, say) does not hide what a later one does.
            var mutated = Gen.Frequency((3, (IGen<Mutation[]>)Mutation.Any.Array[1, 1]), (1, Mutation.Any.Array[2, 3]));
            var mutations = mutatedOnly ? mutated : Gen.Frequency((1, (IGen<Mutation[]>)Gen.Const(System.Array.Empty<Mutation>())), (4, mutated));
            return Gen.Select(instances, mutations, BodyPath(operation, caller), Headers(operation), (instance, changes, path, headers) =>
            {
                var holder = new JsonArray(instance);
                var body = Mutation.Apply(holder, changes);
                var name = holder[0] is JsonObject obj && obj["name"] is JsonValue v && v.TryGetValue<string>(out var n) ? n : null;
                return new BodySample(operation, caller, path, changes, body, name, headers);
            });
        });

    /// <summary>
    /// Path and query parameters. Mostly one parameter is hostile and the others valid or left out, so that a check
    /// of another parameter cannot hide what the hostile one does; sometimes every parameter is drawn freely.
    /// A write never gets a real thing's name in its path.
    /// </summary>
    public Gen<ParameterSample> Parameters(Operation operation)
    {
        var parameters = operation.Parameters.Where(p => p.In is "path" or "query").ToList();
        return Gen.SelectMany(Callers, Gen.Int[0, parameters.Count], (caller, hostile) =>
        {
            var path = Gen.Const(operation.Path);
            var query = Gen.Const("");
            for (var i = 0; i < parameters.Count; i++)
            {
                var parameter = parameters[i];
                var odd = parameter.Name == "cursor" ? [.. OddValues, .. GarbageCursors] : OddValues;
                var free = hostile == parameters.Count; // the last choice: no single hostile parameter
                if (parameter.In == "path")
                {
                    var valid = operation.Method == "GET" ? PathValues(operation, parameter.Name, caller) : [];
                    var value = valid.Length == 0 || i == hostile ? Gen.OneOf(odd)
                        : free ? Gen.Frequency((1, (IGen<string>)Gen.OneOf(valid)), (1, Gen.OneOf(odd)))
                        : Gen.OneOf(valid);
                    path = Gen.Select(path, value, (p, v) => p.Replace($"{{{parameter.Name}}}", v, StringComparison.Ordinal));
                    continue;
                }

                var good = parameter.Name == "agent" ? [.. (caller.AgentName is { } own ? [own] : world.AgentNames)] : ValidQuery.GetValueOrDefault(parameter.Name, ["x"]);
                var omitted = (IGen<string?>)Gen.Const((string?)null);
                var validValue = Gen.OneOf(good).Select(v => (string?)v);
                var oddValue = Gen.Frequency(
                    (4, (IGen<string?>)Gen.OneOf(odd).Select(v => (string?)v)),
                    (1, Gen.Select(Gen.OneOf(good), Gen.OneOf(odd), (a, b) => (string?)$"{a}&{parameter.Name}={b}")));
                var queryValue = i == hostile ? oddValue
                    : free ? Gen.Frequency((2, omitted), (2, validValue), (3, oddValue))
                    : Gen.Frequency((1, omitted), (1, validValue));
                query = Gen.Select(query, queryValue, (q, v) => v is null ? q : $"{q}{(q.Length == 0 ? "?" : "&")}{parameter.Name}={v}");
            }

            return Gen.Select(path, query, (p, q) => new ParameterSample(operation, caller, p + q));
        });
    }

    private Gen<string> BodyPath(Operation operation, Caller caller)
    {
        var path = Gen.Const(operation.Path);
        foreach (var parameter in operation.In("path"))
        {
            var valid = PathValues(operation, parameter.Name, caller);
            var value = Gen.Frequency((9, (IGen<string>)Gen.OneOf(valid.Length == 0 ? OddValues : valid)), (1, Gen.OneOf(OddValues)));
            path = Gen.Select(path, value, (p, v) => p.Replace($"{{{parameter.Name}}}", v, StringComparison.Ordinal));
        }

        return path;
    }

    /// <summary>Real things a path may name. A write only ever names a thing of its own, never a caller or a builtin.</summary>
    private string[] PathValues(Operation operation, string parameter, Caller caller) => (operation.Method, operation.Path) switch
    {
        ("POST", "/tools/{name}/invoke") => [.. world.Tools],
        ("PATCH", "/agents/{idOrName}") => [world.PatchableAgent],
        ("PATCH", "/tools/{idOrName}") => [world.PatchableTool],
        ("GET", "/agents/{idOrName}") => caller.AgentName is { } own ? [own, .. world.AgentNames] : [.. world.AgentNames],
        ("GET", "/tools/{idOrName}") => [.. world.Tools],
        ("GET", _) when parameter is "id" or "taskId" => [world.FinishedTask.ToString()],
        _ => [],
    };

    private static Gen<IReadOnlyList<(string, string)>> Headers(Operation operation)
    {
        var headers = Gen.Const<IReadOnlyList<(string, string)>>([]);
        foreach (var parameter in operation.In("header"))
        {
            Gen<string?> value = parameter.Name switch
            {
                // A task is always submitted to run in the background: the fuzz waits for answers, not for tasks.
                "Prefer" => Gen.Const<string?>("respond-async"),
                "Idempotency-Key" => Gen.Frequency(
                    (3, (IGen<string?>)Gen.Const((string?)null)),
                    (2, Gen.Guid.Select(g => (string?)g.ToString())),
                    (1, Gen.OneOf<string?>("", new string('k', 300), "%00", "key with spaces"))),
                "If-Match" => Gen.Frequency(
                    (3, (IGen<string?>)Gen.Const((string?)null)),
                    (1, Gen.OneOf<string?>("\"0\"", "*", "garbage", "W/\"1\"", "\"99999999999\""))),
                _ => Gen.Const((string?)null),
            };
            headers = Gen.Select(headers, value, (list, v) => v is null ? list : (IReadOnlyList<(string, string)>)[.. list, (parameter.Name, v)]);
        }

        return headers;
    }
}
