using System.Net;
using System.Net.Http.Json;

namespace AgentOrchestration.AgentService.Tests;

/// <summary>Idempotency-Keys belong to the caller that used them.</summary>
[Collection(AgentServiceCollection.Name)]
public sealed class CallerScopedIdempotencyTests(AgentServiceFactory factory)
{
    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task AnotherCallersKeyIsNeitherReplayedNorA422()
    {
        var key = Guid.NewGuid().ToString();
        var first = await _client.SendAsync(Create(new { name = TestData.UniqueName("first") }, key).AsAdmin());
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var firstId = (await first.ReadJsonAsync()).GetProperty("id").GetGuid();

        var secondName = TestData.UniqueName("second");
        var caller = Guid.NewGuid();
        var second = await _client.SendAsync(Create(new { name = secondName }, key).AsAgent(caller, "someone", Guid.NewGuid()));

        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        var body = await second.ReadJsonAsync();
        Assert.Equal(secondName, body.GetProperty("name").GetString());
        Assert.NotEqual(firstId, body.GetProperty("id").GetGuid());
        Assert.DoesNotContain(firstId.ToString(), await second.Content.ReadAsStringAsync());

        // Each caller still gets its own replay.
        var replay = await _client.SendAsync(Create(new { name = secondName }, key).AsAgent(caller, "someone", Guid.NewGuid()));
        Assert.Equal(body.GetProperty("id").GetGuid(), (await replay.ReadJsonAsync()).GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task AReplaySaysTheKeyIsShownOnlyOnceAndHowToGetANewOne()
    {
        var key = Guid.NewGuid().ToString();
        var body = new { name = TestData.UniqueName() };
        var first = await (await _client.SendAsync(Create(body, key).AsAdmin())).ReadJsonAsync();
        var replay = await _client.SendAsync(Create(body, key).AsAdmin());

        Assert.Equal(HttpStatusCode.Created, replay.StatusCode);
        var replayed = await replay.ReadJsonAsync();
        Assert.StartsWith("aok_", first.GetProperty("apiKey").GetString());
        Assert.False(first.TryGetProperty("apiKeyNotice", out _));
        Assert.False(replayed.TryGetProperty("apiKey", out _));
        Assert.Contains("/keys", replayed.GetProperty("apiKeyNotice").GetString());
    }

    private static HttpRequestMessage Create(object body, string key) => new(HttpMethod.Post, "/agents")
    {
        Content = JsonContent.Create(body),
        Headers = { { "Idempotency-Key", key } },
    };
}
