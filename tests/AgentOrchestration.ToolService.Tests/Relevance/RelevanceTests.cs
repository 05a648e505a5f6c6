using System.Net.Http.Json;
using System.Text.Json;
using Xunit.Abstractions;

namespace AgentOrchestration.ToolService.Tests.Relevance;

/// <summary>Search quality on the relevance set, in-process against real Postgres with the local MiniLM model.</summary>
[Collection(ToolServiceCollection.Name)]
public sealed class RelevanceTests(ToolServiceFixture fixture, ITestOutputHelper output)
{
    private static readonly RelevanceSet Set = RelevanceSet.Load();

    [Fact]
    public void TheSetHasEnoughToolsAndQuestions()
    {
        Assert.True(Set.Tools.Count >= 50 && Set.Queries.Count >= 50);
        Assert.All(Set.Queries, q => Assert.Contains(Set.Tools, t => t.Name == q.Expected));
    }

    [Fact]
    public async Task HybridSearchFindsTheRightToolInTheTopThreeForAtLeast85PercentOfQuestions()
    {
        var agent = await Set.RegisterAsync(fixture);
        var misses = new List<string>();
        foreach (var query in Set.Queries)
        {
            var page = await SearchAsync(query.Query, agent, mode: null, limit: 3);
            Assert.Equal("hybrid", page.GetProperty("mode").GetString());
            var names = Names(page);
            if (!names.Contains(query.Expected))
            {
                misses.Add($"'{query.Query}' → [{string.Join(", ", names)}], expected {query.Expected}");
            }
        }

        var recall = 1.0 - (double)misses.Count / Set.Queries.Count;
        output.WriteLine($"recall@3 = {recall:P1} ({Set.Queries.Count - misses.Count} of {Set.Queries.Count}); misses:\n{string.Join("\n", misses)}");
        Assert.True(recall >= 0.85, $"recall@3 = {recall:P0}; misses:\n{string.Join("\n", misses)}");
    }

    [Fact]
    public async Task AMisspelledToolNameStillFindsItsToolFirst()
    {
        var agent = await Set.RegisterAsync(fixture);
        foreach (var query in Set.Misspelled)
        {
            var names = Names(await SearchAsync(query.Query, agent, mode: null, limit: 5));
            Assert.True(names.FirstOrDefault() == query.Expected, $"'{query.Query}' → [{string.Join(", ", names)}], expected {query.Expected} first");
        }
    }

    [Fact]
    public async Task EachResultSaysWhichSignalsFoundItAndHowSimilarItIs()
    {
        var agent = await Set.RegisterAsync(fixture);

        var hybrid = (await SearchAsync("refund payment", agent, mode: null, limit: 5)).GetProperty("items")[0];
        Assert.Equal("payments.refund", hybrid.GetProperty("name").GetString());
        Assert.Equal(["lexical", "semantic"], hybrid.GetProperty("matched").EnumerateArray().Select(m => m.GetString()));
        Assert.InRange(hybrid.GetProperty("similarity").GetDouble(), 0.3, 1.0);

        var semantic = await SearchAsync("give the customer their money back", agent, "semantic", limit: 5);
        Assert.Equal("semantic", semantic.GetProperty("mode").GetString());
        var items = semantic.GetProperty("items").EnumerateArray().ToList();
        Assert.All(items, i => Assert.Equal(["semantic"], i.GetProperty("matched").EnumerateArray().Select(m => m.GetString())));
        var scores = items.Select(i => i.GetProperty("score").GetDouble()).ToList();
        Assert.Equal(scores.OrderDescending(), scores);

        // Lexical is today's search: no word in common, nothing found.
        var lexical = await SearchAsync("give the customer their money back", agent, "lexical", limit: 5);
        Assert.Equal("lexical", lexical.GetProperty("mode").GetString());
        Assert.DoesNotContain("payments.refund", Names(lexical));
    }

    [Fact]
    public async Task FiltersApplyBeforeRanking()
    {
        var agent = await Set.RegisterAsync(fixture);
        var narrow = await fixture.CreateAgentAsync("weather.current", "files.delete");

        // weather.forecast is the best answer, but this agent may only see weather.current.
        Assert.Equal(["weather.current"], Names(await SearchAsync("will it rain tomorrow in Oslo", narrow, mode: null, limit: 3)));
        var builtins = await SearchAsync("will it rain tomorrow in Oslo", agent, mode: null, limit: 3, extra: "&kind=builtin");
        Assert.All(builtins.GetProperty("items").EnumerateArray(), i => Assert.Equal("builtin", i.GetProperty("kind").GetString()));
        Assert.Empty(Names(await SearchAsync("will it rain tomorrow in Oslo", agent, mode: null, limit: 3, extra: "&tag=no-such-tag")));
    }

    [Fact]
    public async Task AnUnknownModeIs400AtItsQueryParameter()
    {
        var response = await fixture.Tools.GetAsync("/tools?q=x&mode=fuzzy");
        var problem = await response.AssertProblemAsync(400, "validation_failed");
        Assert.True(problem.GetProperty("errors").TryGetProperty("/query/mode", out _));
    }

    private async Task<JsonElement> SearchAsync(string q, string agent, string? mode, int limit, string extra = "") =>
        await fixture.Tools.GetFromJsonAsync<JsonElement>(
            $"/tools?q={Uri.EscapeDataString(q)}&agent={agent}&limit={limit}" + (mode is null ? "" : $"&mode={mode}") + extra);

    private static List<string> Names(JsonElement page) =>
        page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("name").GetString()!).ToList();
}
