using AgentOrchestration.ServiceCommon;
using AgentOrchestration.ServiceCommon.Contracts;
using StackExchange.Redis;

namespace AgentOrchestration.AgentService.Services;

public sealed class AgentChangePublisher(IConnectionMultiplexer redis, ILogger<AgentChangePublisher> logger)
{
    /// <remarks>
    /// The change is committed before this runs; caches elsewhere expire on their own, so a notice lost to a Redis
    /// outage costs only staleness, never the caller's response.
    /// </remarks>
    public Task PublishAsync(Guid id, string name, string change) =>
        redis.PublishAsync(AgentChanged.Channel, new AgentChanged(id, name, change).ToNotice(), logger);
}
