using System.Collections.Concurrent;
using CsCheck;
using Xunit.Abstractions;

namespace AgentOrchestration.EndToEnd.Tests.Adversarial;

/// <summary>
/// Property-based fuzz of every public operation through the gateway, generated from the schemas the running system
/// publishes: valid instances and their mutations (NUL and lone surrogates, odd number forms, huge values around the
/// 1 MiB limit, trailing whitespace, duplicate keys, id-shaped names, wrong types, missing fields, invalid UTF-8,
/// deep nesting), sent as admin, viewer and agent. Invariants: an answer within 20 s, never a 5xx, every 4xx a
/// problem with a code, and a rejected create leaves nothing behind. Failures print the CsCheck seed.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class SchemaFuzzTests(AppHostFixture fixture, ITestOutputHelper output) : IAsyncLifetime
{
    /// <summary>The creates whose rejection must leave no resource: the collection a GET by name looks in.</summary>
    private static readonly Dictionary<string, string> Creates = new()
    {
        ["POST /register-agent"] = "/agents",
        ["POST /agents"] = "/agents",
        ["POST /tools"] = "/tools",
        ["POST /tool-sources"] = "/tool-sources",
    };

    private readonly AdversarialSystem _system = new(fixture);
    private readonly ConcurrentDictionary<string, bool> _created = new(StringComparer.OrdinalIgnoreCase);

    public Task InitializeAsync() => _system.InitializeAsync();

    public Task DisposeAsync() => _system.DisposeAsync();

    [Fact]
    public async Task GeneratedAndMutatedBodiesOfEveryOperationGetAnAnswerThatIsNeverA5xx()
    {
        var operations = await PublishedApi.LoadAsync(_system.Gateway);
        var samples = new Samples(_system.World);
        var report = new FuzzReport(output);
        foreach (var operation in operations.Where(o => o.BodySchema is not null))
        {
            await report.RunAsync(operation.Id, samples.Bodies(operation), sample => SendAsync(sample, report, checkCounts: false),
                iterations: 120, threads: 3, print: s => s.ToString());
        }

        report.AssertNoViolations();
    }

    [Fact]
    public async Task OddPathAndQueryValuesOfEveryOperationGetAnAnswerThatIsNeverA5xx()
    {
        var operations = await PublishedApi.LoadAsync(_system.Gateway);
        var samples = new Samples(_system.World);
        var report = new FuzzReport(output);
        foreach (var operation in operations.Where(o => o.Parameters.Any(p => p.In is "path" or "query")))
        {
            // A stream with valid parameters stays open: only its headers are awaited, so fewer samples, more at once.
            await report.RunAsync(operation.Id, samples.Parameters(operation), sample => SendAsync(sample, report),
                iterations: operation.IsStream ? 12 : 80, threads: operation.IsStream ? 6 : 3, print: s => s.ToString());
        }

        report.AssertNoViolations();
    }

    [Fact]
    public async Task ARejectedCreateLeavesNoResourceAndNoCountBehind()
    {
        var operations = await PublishedApi.LoadAsync(_system.Gateway);
        var samples = new Samples(_system.World);
        var report = new FuzzReport(output);
        foreach (var operation in operations.Where(o => Creates.ContainsKey(o.Id)))
        {
            // One at a time, so the counts before and after belong to this request alone.
            await report.RunAsync(operation.Id, samples.Bodies(operation, mutatedOnly: true, adminOnly: true), sample => SendAsync(sample, report, checkCounts: true),
                iterations: 30, threads: 1, print: s => s.ToString());
        }

        report.AssertNoViolations();
    }

    private async Task SendAsync(BodySample sample, FuzzReport report, bool checkCounts)
    {
        var operation = sample.Operation.Id;
        var before = checkCounts ? await _system.CountsAsync() : default;
        var answer = await _system.Gateway.SendAsync(sample.Operation.Method, sample.Path, sample.Caller.Key, sample.Body, sample.Headers);
        report.Count(operation, answer);
        if (Invariants.Check(answer, sample.Path) is { } violation)
        {
            report.Fail(operation, sample, answer, violation, sample.Cause);
        }

        if (!Creates.TryGetValue(operation, out var collection) || sample.Name is null)
        {
            return;
        }

        if (answer.Status is >= 200 and < 300)
        {
            _created[sample.Name] = true;
            return;
        }

        // A 409 means the name was taken by an earlier sample (CsCheck replays seeds while shrinking): not this request's doing.
        if (answer.Status is < 400 or 409 || _created.ContainsKey(sample.Name))
        {
            return;
        }

        foreach (var name in NamesToLookUp(sample.Name))
        {
            var lookup = await _system.Gateway.SendAsync("GET", $"{collection}/{Uri.EscapeDataString(name)}", AppHostFixture.AdminApiKey);
            if (lookup.Status == 200 && !_created.ContainsKey(name))
            {
                report.Fail(operation, sample, answer, $"half-written: answered {answer} yet GET {collection}/{name} → 200 {Answer.Excerpt(lookup.Body, 200)}");
            }
        }

        if (checkCounts)
        {
            var after = await _system.CountsAsync();
            if (after != before)
            {
                report.Fail(operation, sample, answer, $"half-written: answered {answer} yet (agents, tools, sources) went {before} → {after}");
            }
        }
    }

    private async Task SendAsync(ParameterSample sample, FuzzReport report)
    {
        var operation = sample.Operation;
        byte[]? body = operation.BodySchema is null ? null : "{}"u8.ToArray();
        var answer = await _system.Gateway.SendAsync(operation.Method, sample.PathAndQuery, sample.Caller.Key, body, headersOnly: operation.IsStream);
        report.Count(operation.Id, answer);
        if (Invariants.Check(answer, sample.PathAndQuery) is { } violation)
        {
            report.Fail(operation.Id, sample, answer, violation);
        }
    }

    /// <summary>The name as sent and as a lenient server might have stored it (trimmed, lower case); names no URL can carry are skipped.</summary>
    private static IEnumerable<string> NamesToLookUp(string name) =>
        new[] { name, name.Trim(), name.Trim().ToLowerInvariant() }
            .Where(n => n.Length is > 0 and <= 200 && !n.Contains('\0') && !n.Any(char.IsSurrogate) && n != "." && n != "..")
            .Distinct(StringComparer.Ordinal);
}
