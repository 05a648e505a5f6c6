using System.Net;
using System.Net.Http.Json;

namespace AgentOrchestration.AgentService.Tests;

/// <summary>The ToolService's clean-up before it deletes tools: the names leave every agent's grants.</summary>
[Collection(AgentServiceCollection.Name)]
public sealed class GrantRevocationTests(AgentServiceFactory factory)
{
    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task RevokingToolsRemovesThemFromEveryAgentKeepingTheRestInOrder()
    {
        var doomed = $"doomed.{Guid.NewGuid():N}";
        var alsoDoomed = $"also.{Guid.NewGuid():N}";
        var many = TestData.UniqueName("many");
        var only = TestData.UniqueName("only");
        var untouched = TestData.UniqueName("untouched");
        await _client.CreateAgentAsync(new { name = many, tools = new[] { "echo", doomed, "math.add", alsoDoomed } });
        await _client.CreateAgentAsync(new { name = only, tools = new[] { doomed } });
        await _client.CreateAgentAsync(new { name = untouched, tools = new[] { "echo" } });

        var response = await _client.PostAsJsonAsync("/internal/grants/revoke", new { tools = new[] { doomed, alsoDoomed } });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(new[] { many, only }.Order(StringComparer.Ordinal),
            (await response.ReadJsonAsync()).GetProperty("agents").EnumerateArray().Select(a => a.GetString()));
        var manyNow = await (await _client.GetAsync($"/agents/{many}")).ReadJsonAsync();
        Assert.Equal(["echo", "math.add"], manyNow.GetProperty("tools").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal(2, manyNow.GetProperty("version").GetInt32());
        Assert.Empty((await (await _client.GetAsync($"/agents/{only}")).ReadJsonAsync()).GetProperty("tools").EnumerateArray());
        Assert.Equal(1, (await (await _client.GetAsync($"/agents/{untouched}")).ReadJsonAsync()).GetProperty("version").GetInt32());

        var again = await _client.PostAsJsonAsync("/internal/grants/revoke", new { tools = new[] { doomed } });
        Assert.Empty((await again.ReadJsonAsync()).GetProperty("agents").EnumerateArray());
    }

    [Fact]
    public async Task ARevocationWithoutAToolListIs400()
    {
        var response = await _client.PostAsJsonAsync("/internal/grants/revoke", new { });
        await response.AssertProblemAsync(400, "validation_failed");
    }
}
