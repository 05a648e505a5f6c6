using System.Text.Json;
using AgentOrchestration.ServiceCommon;
using AgentOrchestration.ServiceCommon.Contracts;
using StackExchange.Redis;

namespace AgentOrchestration.ApiService.Security;

/// <summary>
/// Evicts the keys this replica resolved when the AgentService
/// announces a change that can affect them (anything but a creation), so a rotated key or a deactivated agent stops
/// working at once on every replica; if a notice is lost, the caches' expiry bounds it.
/// </summary>
public sealed class AgentChangeSubscriber(IConnectionMultiplexer redis, KeyResolver resolver, ILogger<AgentChangeSubscriber> logger)
    : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await redis.GetSubscriber().SubscribeAsync(RedisChannel.Literal(AgentChanged.Channel), (_, message) =>
            {
                var change = JsonSerializer.Deserialize<AgentChanged>(message.ToString(), JsonSerializerOptions.Web);
                if (change?.Change != "created")
                {
                    resolver.Evict();
                }
            });
        }
        catch (Exception ex) when (BestEffortRedis.IsOutage(ex))
        {
            logger.LogWarning(ex, "Could not subscribe to agent changes; resolved keys expire on their own");
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
