using System.Net;
using System.Net.Http.Json;

namespace AgentOrchestration.AgentService.Tests;

[Collection(AgentServiceCollection.Name)]
public sealed class IdempotencyTests(AgentServiceFactory factory)
{
    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task RetryWithTheSameIdempotencyKeyReturnsTheOriginal201()
    {
        var name = TestData.UniqueName();
        var key = Guid.NewGuid().ToString();
        var first = await PostAsync(new { name, tools = new[] { "echo" } }, key);
        var retry = await PostAsync(new { name, tools = new[] { "echo" } }, key);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, retry.StatusCode);
        Assert.Equal((await first.ReadJsonAsync()).GetProperty("id").GetGuid(), (await retry.ReadJsonAsync()).GetProperty("id").GetGuid());
        Assert.Equal(first.Headers.Location, retry.Headers.Location);
    }

    [Fact]
    public async Task ConcurrentRetriesWithOneKeyAllGetTheSameAgent()
    {
        var name = TestData.UniqueName();
        var key = Guid.NewGuid().ToString();
        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => PostAsync(new { name }, key)));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        var ids = await Task.WhenAll(responses.Select(async r => (await r.ReadJsonAsync()).GetProperty("id").GetGuid()));
        Assert.Single(ids.Distinct());
    }

    [Fact]
    public async Task ReusingAKeyWithADifferentBodyReturns422()
    {
        var key = Guid.NewGuid().ToString();
        Assert.Equal(HttpStatusCode.Created, (await PostAsync(new { name = TestData.UniqueName() }, key)).StatusCode);

        var other = TestData.UniqueName();
        var reused = await PostAsync(new { name = other }, key);
        await reused.AssertProblemAsync(422, "idempotency_key_reused");
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync($"/agents/{other}")).StatusCode);
    }

    [Fact]
    public async Task WithoutAKeyARetryIsAConflict()
    {
        var name = TestData.UniqueName();
        Assert.Equal(HttpStatusCode.Created, (await PostAsync(new { name }, null)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await PostAsync(new { name }, null)).StatusCode);
    }

    private Task<HttpResponseMessage> PostAsync(object body, string? key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/agents") { Content = JsonContent.Create(body) };
        if (key is not null)
        {
            request.Headers.Add("Idempotency-Key", key);
        }

        return factory.CreateClient().SendAsync(request);
    }
}
