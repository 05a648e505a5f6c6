using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace AgentOrchestration.AgentService.Tests;

/// <summary>Concurrent writers of one agent: nothing is stale that the caller could not see, and one rotation wins.</summary>
[Collection(AgentServiceCollection.Name)]
public sealed class ConcurrentWriteTests(AgentServiceFactory factory)
{
    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task ConcurrentPatchesWithoutIfMatchAllSucceedAndEachIsApplied()
    {
        var name = TestData.UniqueName();
        await _client.CreateAgentAsync(new { name });

        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(i =>
            factory.CreateClient().PatchAsJsonAsync($"/agents/{name}", new { description = $"writer {i}" })));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var versions = await Task.WhenAll(responses.Select(async r => (await r.ReadJsonAsync()).GetProperty("version").GetInt32()));
        Assert.Equal(Enumerable.Range(2, 10), versions.Order());
        var stored = await (await _client.GetAsync($"/agents/{name}")).ReadJsonAsync();
        Assert.Equal(11, stored.GetProperty("version").GetInt32());
    }

    [Fact]
    public async Task TenConcurrentPatchesWithOneIfMatchLetExactlyOneWin()
    {
        var name = TestData.UniqueName();
        await _client.CreateAgentAsync(new { name });

        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(i =>
        {
            var request = new HttpRequestMessage(HttpMethod.Patch, $"/agents/{name}") { Content = JsonContent.Create(new { description = $"w{i}" }) };
            request.Headers.TryAddWithoutValidation("If-Match", "\"1\"");
            return factory.CreateClient().SendAsync(request);
        }));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.OK);
        Assert.Equal(9, responses.Count(r => r.StatusCode == HttpStatusCode.PreconditionFailed));
    }

    [Fact]
    public async Task ConcurrentDeleteAndPatchWithoutIfMatchNeverAnswer412()
    {
        var name = TestData.UniqueName();
        await _client.CreateAgentAsync(new { name });

        var patches = Enumerable.Range(0, 5).Select(i => factory.CreateClient().PatchAsJsonAsync($"/agents/{name}", new { description = $"{i}" }));
        var responses = await Task.WhenAll([.. patches, factory.CreateClient().DeleteAsync($"/agents/{name}")]);

        Assert.All(responses, r => Assert.Contains(r.StatusCode, (HttpStatusCode[])[HttpStatusCode.OK, HttpStatusCode.NoContent, HttpStatusCode.NotFound]));
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync($"/agents/{name}")).StatusCode);
    }

    [Fact]
    public async Task SixConcurrentRotationsWithTheAgentsKeyLetExactlyOneWin()
    {
        var agent = await _client.CreateAgentAsync(new { name = TestData.UniqueName() });
        var id = agent.GetProperty("id").GetGuid();
        var name = agent.GetProperty("name").GetString()!;
        var keyId = await LiveKeyIdAsync(id);

        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ =>
            factory.CreateClient().SendAsync(new HttpRequestMessage(HttpMethod.Post, $"/agents/{id}/keys").AsAgent(id, name, keyId))));

        var winner = Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
        foreach (var loser in responses.Where(r => r != winner))
        {
            await loser.AssertProblemAsync(409, "key_rotation_conflict");
        }

        var issued = await winner.ReadJsonAsync();
        Assert.Equal(issued.GetProperty("id").GetGuid(), await LiveKeyIdAsync(id));
        Assert.True(await ResolvesAsync(issued.GetProperty("apiKey").GetString()!));

        // The replaced key cannot rotate again later either: it is gone, not merely slow.
        var late = await _client.SendAsync(new HttpRequestMessage(HttpMethod.Post, $"/agents/{id}/keys").AsAgent(id, name, keyId));
        await late.AssertProblemAsync(409, "key_rotation_conflict");
    }

    [Fact]
    public async Task ConcurrentAdminRotationsLeaveExactlyOneLiveKeyAndEvery201sKeyWasLiveWhenIssued()
    {
        var id = (await _client.CreateAgentAsync(new { name = TestData.UniqueName() })).GetProperty("id").GetGuid();

        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ =>
            factory.CreateClient().SendAsync(new HttpRequestMessage(HttpMethod.Post, $"/agents/{id}/keys").AsAdmin())));

        Assert.All(responses, r => Assert.Contains(r.StatusCode, (HttpStatusCode[])[HttpStatusCode.Created, HttpStatusCode.Conflict]));
        var issued = await Task.WhenAll(responses.Where(r => r.StatusCode == HttpStatusCode.Created)
            .Select(async r => (await r.ReadJsonAsync()).GetProperty("id").GetGuid()));
        var keys = await AgentKeysAsync(id);
        Assert.Single(keys);
        Assert.Contains(keys[0], issued);
    }

    private async Task<Guid> LiveKeyIdAsync(Guid agentId) => Assert.Single(await AgentKeysAsync(agentId));

    private async Task<List<Guid>> AgentKeysAsync(Guid agentId)
    {
        var keys = await _client.GetFromJsonAsync<JsonElement>("/api-keys");
        return keys.EnumerateArray()
            .Where(k => k.GetProperty("agentId").ValueKind == JsonValueKind.String && k.GetProperty("agentId").GetGuid() == agentId)
            .Select(k => k.GetProperty("id").GetGuid()).ToList();
    }

    private async Task<bool> ResolvesAsync(string key)
    {
        var response = await _client.PostAsJsonAsync("/internal/keys/resolve", new { hash = AgentOrchestration.ServiceCommon.Contracts.ApiKeys.Hash(key) });
        return response.StatusCode == HttpStatusCode.OK;
    }
}
