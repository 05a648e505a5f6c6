using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using AgentOrchestration.Bench.Load;

namespace AgentOrchestration.Bench.Scenarios;

/// <summary>
/// 4h — GET /tools?q= in hybrid mode (the default) with a plain-language question over the same 10,000 tools that
/// scenario 4 registered: an embedding of the query (cached after the first), a scan of the in-memory vector index,
/// the lexical search, and their fusion. Setup waits until the ToolService has embedded every tool and reports the
/// embedding throughput since the registrations began.
/// </summary>
public sealed class HybridToolSearchScenario(ScenarioContext context, ToolSearchScenario tools) : RequestScenario(context)
{
    public const string Query = "will it rain in oslo tomorrow";

    private readonly string _url = $"/tools?q={Uri.EscapeDataString(Query)}&mode=hybrid";

    public override int Number => 4;

    protected override string Id => "4h";

    public override string Name => "GET /tools?q= (10k tools, hybrid, plain words)";

    public override async Task SetupAsync(CancellationToken cancellationToken)
    {
        var clock = tools.RegistrationClock ?? throw new InvalidOperationException("Scenario 4 registered no tools.");
        // Bounded: the slowest embedding rate worth waiting for is 10 tools/s.
        var deadline = TimeSpan.FromSeconds(Math.Max(120, tools.Registered / 10.0)) + clock.Elapsed;
        JsonElement counts;
        while (true)
        {
            var status = await Context.Api.GetFromJsonAsync<JsonElement>("/status", cancellationToken);
            counts = status.GetProperty("counts").GetProperty("tools");
            var total = counts.GetProperty("builtin").GetInt32() + counts.GetProperty("http").GetInt32() + counts.GetProperty("mcp").GetInt32();
            if (counts.TryGetProperty("indexed", out var indexed) && indexed.GetInt32() >= total)
            {
                break;
            }

            if (clock.Elapsed > deadline)
            {
                throw new TimeoutException($"The ToolService had not embedded every tool after {clock.Elapsed.TotalSeconds:F0} s: {counts}");
            }

            await Task.Delay(500, cancellationToken);
        }

        var seconds = clock.Elapsed.TotalSeconds;
        Console.WriteLine($"  {tools.Registered} tools registered and embedded {seconds:F1} s after the first registration " +
                          $"({tools.Registered / seconds:F0} tools/s end to end; {counts})");

        var page = await Context.Api.GetFromJsonAsync<JsonElement>(_url, cancellationToken);
        var items = page.GetProperty("items");
        var top = items.GetArrayLength() > 0 ? items[0].GetProperty("name").GetString() : null;
        Console.WriteLine($"  '{Query}' → {items.GetArrayLength()} results, mode {page.GetProperty("mode")}, top: {top ?? "none"}");
        if (page.GetProperty("mode").GetString() != "hybrid" || top is null || !top.Contains("weather", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"The hybrid search did not rank a weather tool first: {page}");
        }
    }

    protected override async Task<string?> ExecuteAsync(int worker, CancellationToken cancellationToken)
    {
        using var response = await Context.Api.GetAsync(_url, HttpCompletionOption.ResponseContentRead, cancellationToken);
        return await HttpClients.FailureOf(response, cancellationToken);
    }
}
