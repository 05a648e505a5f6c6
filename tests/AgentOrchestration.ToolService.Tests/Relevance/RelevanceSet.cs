using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace AgentOrchestration.ToolService.Tests.Relevance;

/// <summary>
/// relevance-set.json: 60 realistic tools and 60 questions as an agent would ask them, each with the one tool that
/// answers it, mostly without sharing a word with that tool; plus misspelled tool names that must still come first.
/// Written for this test set, not taken from elsewhere.
/// </summary>
public sealed record RelevanceSet(List<RelevanceTool> Tools, List<RelevanceQuery> Queries, List<RelevanceQuery> Misspelled)
{
    public static RelevanceSet Load() => JsonSerializer.Deserialize<RelevanceSet>(
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Relevance", "relevance-set.json")), JsonSerializerOptions.Web)!;

    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static string? _agent;

    /// <summary>
    /// Registers the set's tools once per run, waits until every tool is in the vector index, and returns an agent
    /// granted them and the builtins: searching as that agent leaves out the tools other tests register.
    /// </summary>
    public async Task<string> RegisterAsync(ToolServiceFixture fixture)
    {
        await Gate.WaitAsync();
        try
        {
            if (_agent is not null)
            {
                return _agent;
            }

            foreach (var tool in Tools)
            {
                var response = await fixture.Tools.PostAsJsonAsync("/tools", tool.Request());
                Assert.True(response.StatusCode is HttpStatusCode.Created, $"{tool.Name}: {await response.Content.ReadAsStringAsync()}");
            }

            string[] builtins = ["echo", "math.add", "math.multiply", "text.upper", "text.length", "json.pick", "time.now", "sleep", "fail"];
            _agent = await fixture.CreateAgentAsync([.. Tools.Select(t => t.Name), .. builtins]);
            await WaitUntilIndexedAsync(fixture);
            return _agent;
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>Embedding happens in the background: wait (bounded) until the index holds every registered tool.</summary>
    public static async Task WaitUntilIndexedAsync(ToolServiceFixture fixture)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        JsonElement stats;
        do
        {
            stats = await fixture.Tools.GetFromJsonAsync<JsonElement>("/internal/stats");
            var tools = stats.GetProperty("builtin").GetInt32() + stats.GetProperty("http").GetInt32() + stats.GetProperty("mcp").GetInt32();
            if (stats.GetProperty("indexed").GetInt32() >= tools)
            {
                return;
            }

            await Task.Delay(200);
        }
        while (DateTime.UtcNow < deadline);

        Assert.Fail($"The vector index did not catch up with the registry within 90 s: {stats}");
    }
}

public sealed record RelevanceTool(string Name, string Description, Dictionary<string, string> Parameters)
{
    public object Request() => new
    {
        name = Name,
        description = Description,
        kind = "http",
        inputSchema = new
        {
            type = "object",
            properties = Parameters.ToDictionary(p => p.Key, p => new { type = "string", description = p.Value }),
        },
        http = new { url = $"https://api.example.com/{Name.Replace('.', '/')}", method = "POST" },
    };
}

public sealed record RelevanceQuery(string Query, string Expected);
