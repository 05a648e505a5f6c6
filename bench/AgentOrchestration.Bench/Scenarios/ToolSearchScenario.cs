using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using AgentOrchestration.Bench.Load;

namespace AgentOrchestration.Bench.Scenarios;

/// <summary>
/// 4 — GET /tools?q= with a misspelled query over 10,000 registered HTTP tools. The tools get names and
/// descriptions from a small vocabulary, so many share words and trigrams and the ranking has real work to do;
/// about one in twenty is about the weather, which the misspelled query should find. Lexical mode, as before hybrid
/// search existed, so its figures compare with earlier runs; <see cref="HybridToolSearchScenario"/> is the variant 4h.
/// </summary>
public sealed class ToolSearchScenario(ScenarioContext context) : RequestScenario(context)
{
    public const string Query = "wether forcast";
    private const int RegistrationConcurrency = 16;

    private static readonly string[] Subjects =
    [
        "invoice", "customer", "shipment", "ticket", "payment", "calendar", "document", "inventory", "sensor", "account",
        "order", "report", "contract", "employee", "vehicle", "warehouse", "message", "catalog", "budget", "weather",
    ];

    private static readonly string[] Actions =
    [
        "lookup", "create", "update", "archive", "export", "import", "validate", "summarize", "translate", "forecast",
        "schedule", "notify", "approve", "reconcile", "classify", "search", "convert", "monitor", "render", "sync",
    ];

    private static readonly string[] Qualifiers =
    [
        "daily", "regional", "secure", "bulk", "quick", "detailed", "monthly", "global", "internal", "public",
        "draft", "priority", "legacy", "hourly", "annual",
    ];

    private string _url = "";

    /// <summary>When the registrations began: the hybrid variant measures embedding throughput from here.</summary>
    public Stopwatch? RegistrationClock { get; private set; }

    /// <summary>Tools this scenario registered.</summary>
    public int Registered { get; private set; }

    public override int Number => 4;

    public override string Name => "GET /tools?q= (10k tools, misspelled)";

    public override async Task SetupAsync(CancellationToken cancellationToken)
    {
        _url = $"/tools?q={Uri.EscapeDataString(Query)}&mode=lexical";
        var total = Context.Options.SearchTools;
        var watch = Stopwatch.StartNew();
        RegistrationClock = watch;
        var next = -1;
        var failures = 0;
        string? firstFailure = null;
        await Task.WhenAll(Enumerable.Range(0, RegistrationConcurrency).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < total)
            {
                using var response = await Context.Api.PostAsJsonAsync("/tools", Definition(i), cancellationToken);
                if (await HttpClients.FailureOf(response, cancellationToken) is { } failure)
                {
                    Interlocked.Increment(ref failures);
                    Interlocked.CompareExchange(ref firstFailure, failure, null);
                }
            }
        }, cancellationToken)));

        if (failures > 0)
        {
            throw new InvalidOperationException($"{failures} of {total} tool registrations failed, e.g. {firstFailure}");
        }

        Registered = total;
        Console.WriteLine($"  registered {total} HTTP tools in {watch.Elapsed.TotalSeconds:F1} s ({total / watch.Elapsed.TotalSeconds:F0}/s)");

        // The misspelled query must find weather tools, or the scenario would time an empty answer.
        var page = await Context.Api.GetFromJsonAsync<JsonElement>(_url, cancellationToken);
        var items = page.GetProperty("items");
        var top = items.GetArrayLength() > 0 ? items[0].GetProperty("name").GetString() : null;
        Console.WriteLine($"  '{Query}' → {items.GetArrayLength()} results, top: {top ?? "none"}");
        if (top is null || !top.Contains("weather", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"The misspelled search did not rank a weather tool first: {page}");
        }
    }

    protected override async Task<string?> ExecuteAsync(int worker, CancellationToken cancellationToken)
    {
        using var response = await Context.Api.GetAsync(_url, HttpCompletionOption.ResponseContentRead, cancellationToken);
        return await HttpClients.FailureOf(response, cancellationToken);
    }

    /// <summary>The i-th tool: deterministic, unique name, never called (its URL is a closed port).</summary>
    private object Definition(int i)
    {
        var subject = Subjects[i % Subjects.Length];
        var action = Actions[i / Subjects.Length % Actions.Length];
        var qualifier = Qualifiers[i / (Subjects.Length * Actions.Length) % Qualifiers.Length];
        return new
        {
            name = $"b4{Context.RunId}.{subject}-{action}-{i}",
            description = $"{Capitalize(action)} the {qualifier} {subject} data for a given region and date range.",
            kind = "http",
            inputSchema = new { type = "object", properties = new { region = new { type = "string" } } },
            http = new { url = "http://127.0.0.1:9/never-called", method = "POST" },
            tags = new[] { subject, qualifier },
        };
    }

    private static string Capitalize(string word) => char.ToUpperInvariant(word[0]) + word[1..];
}
