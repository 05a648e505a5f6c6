using System.Net;
using System.Net.Http.Json;

namespace AgentOrchestration.AgentService.Tests;

[Collection(AgentServiceCollection.Name)]
public sealed class UpdateAndDeleteAgentTests(AgentServiceFactory factory)
{
    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task PatchChangesOnlyTheGivenFieldsAndBumpsTheETag()
    {
        var name = TestData.UniqueName();
        await _client.CreateAgentAsync(new { name, description = "before", tools = new[] { "echo" } });

        var response = await PatchAsync(name, new { status = "inactive", tools = new[] { "math.add" } }, "\"1\"");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("\"2\"", response.Headers.ETag?.Tag);
        var agent = await response.ReadJsonAsync();
        Assert.Equal("inactive", agent.GetProperty("status").GetString());
        Assert.Equal("before", agent.GetProperty("description").GetString());
        Assert.Equal(["math.add"], agent.GetProperty("tools").EnumerateArray().Select(t => t.GetString()));
    }

    [Fact]
    public async Task PatchWithAStaleETagReturns412AndChangesNothing()
    {
        var name = TestData.UniqueName();
        await _client.CreateAgentAsync(new { name, description = "original" });
        Assert.Equal(HttpStatusCode.OK, (await PatchAsync(name, new { description = "v2" }, "\"1\"")).StatusCode);

        var stale = await PatchAsync(name, new { description = "lost update" }, "\"1\"");

        await stale.AssertProblemAsync(412, "precondition_failed");
        var stored = await (await _client.GetAsync($"/agents/{name}")).ReadJsonAsync();
        Assert.Equal("v2", stored.GetProperty("description").GetString());
    }

    [Fact]
    public async Task ConcurrentPatchesWithOneETagLetExactlyOneWin()
    {
        var name = TestData.UniqueName();
        await _client.CreateAgentAsync(new { name });

        var responses = await Task.WhenAll(Enumerable.Range(0, 6)
            .Select(i => PatchAsync(name, new { description = $"writer {i}" }, "\"1\"")));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.OK);
        Assert.All(responses.Where(r => r.StatusCode != HttpStatusCode.OK),
            r => Assert.Equal(HttpStatusCode.PreconditionFailed, r.StatusCode));
        var stored = await (await _client.GetAsync($"/agents/{name}")).ReadJsonAsync();
        Assert.Equal(2, stored.GetProperty("version").GetInt32());
    }

    [Fact]
    public async Task RenamingToATakenNameReturns409()
    {
        var taken = TestData.UniqueName();
        var other = TestData.UniqueName();
        await _client.CreateAgentAsync(new { name = taken });
        await _client.CreateAgentAsync(new { name = other });

        await (await PatchAsync(other, new { name = taken.ToUpperInvariant() }, null)).AssertProblemAsync(409, "agent_name_taken");
    }

    [Fact]
    public async Task PatchOfAnUnknownAgentReturns404()
    {
        await (await PatchAsync("nobody-here", new { description = "x" }, null)).AssertProblemAsync(404, "not_found");
    }

    [Fact]
    public async Task DeleteRemovesTheAgentAndAnswers204()
    {
        var name = TestData.UniqueName();
        var agent = await _client.CreateAgentAsync(new { name });

        var delete = await _client.DeleteAsync($"/agents/{agent.GetProperty("id").GetGuid()}");

        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync($"/agents/{name}")).StatusCode);
        await (await _client.DeleteAsync($"/agents/{name}")).AssertProblemAsync(404, "not_found");
    }

    [Fact]
    public async Task DeleteWithAStaleETagReturns412AndKeepsTheAgent()
    {
        var name = TestData.UniqueName();
        await _client.CreateAgentAsync(new { name });
        Assert.Equal(HttpStatusCode.OK, (await PatchAsync(name, new { description = "v2" }, null)).StatusCode);

        var request = new HttpRequestMessage(HttpMethod.Delete, $"/agents/{name}");
        request.Headers.TryAddWithoutValidation("If-Match", "\"1\"");
        await (await _client.SendAsync(request)).AssertProblemAsync(412, "precondition_failed");
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync($"/agents/{name}")).StatusCode);
    }

    private Task<HttpResponseMessage> PatchAsync(string idOrName, object body, string? ifMatch)
    {
        var request = new HttpRequestMessage(HttpMethod.Patch, $"/agents/{idOrName}") { Content = JsonContent.Create(body) };
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        return factory.CreateClient().SendAsync(request);
    }
}
