using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using AgentOrchestration.AppHost;
using AgentOrchestration.Bench;
using AgentOrchestration.Bench.Baselines;
using AgentOrchestration.Bench.Load;
using AgentOrchestration.Bench.Memory;
using AgentOrchestration.Bench.Report;
using AgentOrchestration.Bench.Scenarios;
using AgentOrchestration.Bench.Stats;

// The benchmark of issue 9: see BENCHMARKS.md for what it measures and the latest results.
BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine(ex.Message);
    return 2;
}

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};
var token = cancel.Token;

var machine = MachineInfo.Read();
Console.WriteLine($"Machine: {machine}");
var adminKey = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
var runId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3));

// Sampling starts before the system does, so every service process is seen from its first moment.
await using var memory = new MemorySampler(TimeSpan.FromMilliseconds(250));

Console.WriteLine("Starting the system (AppHost via Aspire.Hosting.Testing, fresh data folder)...");
await using var system = await SystemUnderTest.StartAsync(adminKey, options.WithWeb, options.Verbose, options.TaskReplicas, token);
Console.WriteLine($"  all services healthy {system.Startup.TotalSeconds:F1} s after StartAsync ({system.ColdStartup.TotalSeconds:F1} s cold); gateway {system.ApiBase}");

var tasksDb = await system.ConnectionStringAsync(ResourceNames.TasksDb, token)
    ?? throw new InvalidOperationException("No connection string for tasksdb.");
await using var baselines = await BaselineServer.StartAsync(tasksDb, token);
using var baselineClient = HttpClients.Create(baselines.BaseAddress);
using var api = HttpClients.Create(system.ApiBase, adminKey);

if (options.Hold > TimeSpan.Zero)
{
    Console.WriteLine($"Holding the system for {options.Hold.TotalSeconds:F0} s. Gateway {system.ApiBase} (Authorization: Bearer {adminKey})");
    foreach (var db in ResourceNames.Databases)
    {
        Console.WriteLine($"  {db}: {await system.ConnectionStringAsync(db, token)}");
    }

    Console.WriteLine($"  service processes: {string.Join(", ", memory.Peaks().Select(p => $"{p.Service}={p.Pid}"))}");
    try
    {
        await Task.Delay(options.Hold, token);
    }
    catch (OperationCanceledException)
    {
        // Ctrl+C: fall through to the orderly shutdown below.
    }

    return 0;
}

var rows = new List<Measurement>();
void Print(Measurement m) =>
    Console.WriteLine($"  {m.Id} @{m.Concurrency,-3} {m.Throughput,9:F1}/s  p50 {m.Latency.P50Ms,7:F2}  p95 {m.Latency.P95Ms,7:F2}  p99 {m.Latency.P99Ms,7:F2} ms  errors {m.Errors}" +
                      (m.ErrorSamples is { Count: > 0 } s ? $"  e.g. {s[0]}" : ""));

// Baselines first: every ratio in the report divides by them.
var insertBody = Encoding.UTF8.GetBytes("""{ "agent": "baseline", "tool": "echo", "arguments": { "text": "benchmark" } }""");
Console.WriteLine("Baseline A: Kestrel, small JSON");
foreach (var concurrency in options.Concurrency)
{
    rows.Add(await LoadRunner.RunAsync("A", "Baseline A: Kestrel small JSON", concurrency, options.Warmup, options.Duration, async (_, ct) =>
    {
        using var response = await baselineClient.GetAsync(BaselineServer.JsonPath, ct);
        return await HttpClients.FailureOf(response, ct);
    }, token));
    Print(rows[^1]);
}

Console.WriteLine("Baseline B: Kestrel, INSERT + COMMIT into the same Postgres");
foreach (var concurrency in options.Concurrency)
{
    rows.Add(await LoadRunner.RunAsync("B", "Baseline B: INSERT+COMMIT", concurrency, options.Warmup, options.Duration, async (_, ct) =>
    {
        using var content = new ByteArrayContent(insertBody);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await baselineClient.PostAsync(BaselineServer.InsertPath, content, ct);
        return await HttpClients.FailureOf(response, ct);
    }, token));
    Print(rows[^1]);
}

var context = new ScenarioContext(api, system.ApiBase, adminKey, options, runId);
var toolSearch = new ToolSearchScenario(context);
Scenario[] scenarios =
[
    new RegisterAgentScenario(context),
    new EchoTaskScenario(context),
    new DiamondTaskScenario(context),
    toolSearch,
    new HybridToolSearchScenario(context, toolSearch),
    new LogStreamScenario(context),
    new McpCallScenario(context),
];
foreach (var scenario in scenarios.Where(s => options.Scenarios.Contains(s.Number)))
{
    Console.WriteLine($"Scenario {scenario.Number}: {scenario.Name}");
    try
    {
        await scenario.SetupAsync(token);
        foreach (var concurrency in options.Concurrency)
        {
            // A moment for background work of the previous level (outbox relay, log consumer) to drain.
            await Task.Delay(TimeSpan.FromSeconds(1), token);
            rows.Add(await scenario.MeasureAsync(concurrency, token));
            Print(rows[^1]);
        }
    }
    catch (Exception ex) when (!token.IsCancellationRequested)
    {
        // One broken scenario must not hide the others' figures; it shows as an error row.
        Console.WriteLine($"  failed: {ex}");
        rows.Add(new Measurement(scenario.Number.ToString(System.Globalization.CultureInfo.InvariantCulture), scenario.Name, 0, 0, 0, 1, 0,
            LatencySummary.Empty, ErrorSamples: [$"{ex.GetType().Name}: {ex.Message}"]));
    }
}

var peaks = memory.Peaks();
if (options.Scale && options.Scenarios.Contains(2) && options.TaskReplicas > 1)
{
    rows.Add(await ScaleRun.MeasureOneReplicaAsync(adminKey, options, runId, token));
    Print(rows[^1]);
}
var report = new BenchReport(
    DateTimeOffset.UtcNow,
    string.Join(' ', ["./bench.sh", .. args]),
    machine,
    Math.Round(system.ColdStartup.TotalSeconds, 2),
    Math.Round(system.Startup.TotalSeconds, 2),
    rows,
    peaks,
    Targets.Evaluate(rows, peaks, options.TaskReplicas));

Console.WriteLine();
Console.WriteLine(report.ToConsoleTable());
await report.WriteAsync(options.ResultsDir, options.MarkdownPath, token);
Console.WriteLine($"Wrote {Path.Combine(options.ResultsDir, "latest.json")} and {options.MarkdownPath}.");

// Missed targets are reported above; only errors (or a crash) fail the run.
return report.TotalErrors > 0 ? 1 : 0;
