using System.Net.Http.Json;
using System.Text.Json;
using AgentOrchestration.TestSupport;

namespace AgentOrchestration.ToolService.Tests.Relevance;

/// <summary>An OpenAI-compatible embedding endpoint instead of the local model: used, re-indexed on a model change, and
/// when unreachable, a service that still answers lexically and says it is degraded.</summary>
[Collection(ToolServiceCollection.Name)]
public sealed class EmbeddingProviderTests(ToolServiceFixture fixture) : IAsyncLifetime
{
    private readonly FakeEmbeddingServer _server = new();

    public Task InitializeAsync() => _server.InitializeAsync();

    public Task DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task ToolsAreEmbeddedByTheConfiguredEndpointAndAChangeOfModelReindexesEveryTool()
    {
        var database = $"toolsdb_{Guid.NewGuid():N}"[..20];
        await fixture.Postgres.CreateDatabaseAsync(database);

        await using (var first = fixture.CreateToolService(database, Remote(_server.BaseUrl, "fake-a")))
        {
            var tools = first.CreateClient();
            await WaitUntilIndexedAsync(tools);
            var page = await tools.GetFromJsonAsync<JsonElement>("/tools?q=multiply%20numbers&mode=semantic&limit=3");
            Assert.Equal("semantic", page.GetProperty("mode").GetString());
            Assert.Equal("math.multiply", page.GetProperty("items")[0].GetProperty("name").GetString());
        }

        Assert.True(_server.TextsEmbeddedBy("fake-a") >= 9);
        await using (var second = fixture.CreateToolService(database, Remote(_server.BaseUrl, "fake-b")))
        {
            await WaitUntilIndexedAsync(second.CreateClient());
        }

        // Every builtin embedded again by the new model; the vectors of the old one are gone.
        Assert.True(_server.TextsEmbeddedBy("fake-b") >= 9);
        Assert.Equal(["openai/fake-b"], await ModelsAsync(database));
    }

    [Fact]
    public async Task WithoutAReachableEndpointSearchAnswersLexicallyAndHealthSaysDegraded()
    {
        var closed = $"http://127.0.0.1:{ServerProcess.FreeTcpPort()}/v1";
        await using var service = fixture.CreateToolService("toolsdb", Remote(closed, "nowhere"));
        var tools = service.CreateClient();

        var page = await tools.GetFromJsonAsync<JsonElement>("/tools?q=ad%20numbrs");
        Assert.Equal("lexical", page.GetProperty("mode").GetString());
        Assert.True(page.GetProperty("degraded").GetBoolean());
        Assert.Equal("math.add", page.GetProperty("items")[0].GetProperty("name").GetString());

        var deadline = DateTime.UtcNow.AddSeconds(60);
        string health;
        do
        {
            health = await tools.GetStringAsync("/health");
            if (health == "Degraded")
            {
                break;
            }

            await Task.Delay(250);
        }
        while (DateTime.UtcNow < deadline);

        Assert.Equal("Degraded", health);
        var semantic = await tools.GetFromJsonAsync<JsonElement>("/tools?q=multiply&mode=semantic");
        Assert.Equal("lexical", semantic.GetProperty("mode").GetString());
        Assert.Equal("math.multiply", semantic.GetProperty("items")[0].GetProperty("name").GetString());
    }

    private static Dictionary<string, string> Remote(string endpoint, string model) => new()
    {
        ["Search:Embeddings:Provider"] = "openai",
        ["Search:Embeddings:Endpoint"] = endpoint,
        ["Search:Embeddings:Model"] = model,
    };

    private static async Task WaitUntilIndexedAsync(HttpClient tools)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        JsonElement stats;
        do
        {
            stats = await tools.GetFromJsonAsync<JsonElement>("/internal/stats");
            if (stats.GetProperty("builtin").GetInt32() > 0 && stats.GetProperty("indexed").GetInt32() >= stats.GetProperty("builtin").GetInt32())
            {
                return;
            }

            await Task.Delay(200);
        }
        while (DateTime.UtcNow < deadline);

        Assert.Fail($"Not indexed within 60 s: {stats}");
    }

    private async Task<List<string>> ModelsAsync(string database)
    {
        await using var connection = new Npgsql.NpgsqlConnection(fixture.Postgres.ConnectionString(database));
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand("SELECT DISTINCT model FROM tool_embeddings ORDER BY model", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var models = new List<string>();
        while (await reader.ReadAsync())
        {
            models.Add(reader.GetString(0));
        }

        return models;
    }
}
