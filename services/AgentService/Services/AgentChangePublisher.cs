using System.Text.Json;
using AgentOrchestration.ServiceCommon.Contracts;
using StackExchange.Redis;

namespace AgentOrchestration.AgentService.Services;

public sealed class AgentChangePublisher(IConnectionMultiplexer redis, ILogger<AgentChangePublisher> logger)
{
    public async Task PublishAsync(Guid id, string name, string change)
    {
        try
        {
            var message = JsonSerializer.Serialize(new AgentChanged(id, name, change), JsonSerializerOptions.Web);
            await redis.GetSubscriber().PublishAsync(RedisChannel.Literal(AgentChanged.Channel), message);
        }
        catch (RedisException ex)
        {
            // The change is committed; caches elsewhere expire on their own, so a lost notice costs only staleness.
            logger.LogWarning(ex, "Could not publish the change of agent {AgentId}", id);
        }
    }
}
