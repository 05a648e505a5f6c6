using System.Text.Json;
using AgentOrchestration.ServiceCommon.Contracts;
using StackExchange.Redis;

namespace AgentOrchestration.AgentService.Tests;

[Collection(AgentServiceCollection.Name)]
public sealed class AgentChangeNotificationTests(AgentServiceFactory factory)
{
    [Fact]
    public async Task EveryCommittedChangeIsPublishedOnRedis()
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(factory.Redis.ConnectionString);
        // A message queue, not a handler: StackExchange.Redis runs handlers concurrently, so they may see messages out
        // of the order Redis delivered them (this test once saw "updated" before "created"); the queue keeps it.
        var received = await redis.GetSubscriber().SubscribeAsync(RedisChannel.Literal(AgentChanged.Channel));

        var client = factory.CreateClient();
        var name = TestData.UniqueName();
        var agent = await client.CreateAgentAsync(new { name });
        await client.PatchAsync($"/agents/{name}", System.Net.Http.Json.JsonContent.Create(new { status = "inactive" }));
        await client.DeleteAsync($"/agents/{name}");

        var changes = new List<string>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (changes.Count < 3)
        {
            var message = await received.ReadAsync(timeout.Token);
            var change = JsonSerializer.Deserialize<AgentChanged>(message.Message.ToString(), JsonSerializerOptions.Web)!;
            if (change.Name == name)
            {
                Assert.Equal(agent.GetProperty("id").GetGuid(), change.Id);
                changes.Add(change.Change);
            }
        }

        Assert.Equal(["created", "updated", "deleted"], changes);
    }
}
