using System.Text.Json;
using System.Threading.Channels;
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
        var received = Channel.CreateUnbounded<AgentChanged>();
        await redis.GetSubscriber().SubscribeAsync(RedisChannel.Literal(AgentChanged.Channel),
            (_, message) => received.Writer.TryWrite(JsonSerializer.Deserialize<AgentChanged>(message.ToString(), JsonSerializerOptions.Web)!));

        var client = factory.CreateClient();
        var name = TestData.UniqueName();
        var agent = await client.CreateAgentAsync(new { name });
        await client.PatchAsync($"/agents/{name}", System.Net.Http.Json.JsonContent.Create(new { status = "inactive" }));
        await client.DeleteAsync($"/agents/{name}");

        var changes = new List<string>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (changes.Count < 3)
        {
            var change = await received.Reader.ReadAsync(timeout.Token);
            if (change.Name == name)
            {
                Assert.Equal(agent.GetProperty("id").GetGuid(), change.Id);
                changes.Add(change.Change);
            }
        }

        Assert.Equal(["created", "updated", "deleted"], changes);
    }
}
