using AgentOrchestration.ServiceCommon;
using AgentOrchestration.ServiceCommon.Contracts;
using StackExchange.Redis;

namespace AgentOrchestration.ApiService.Security;

/// <summary>
/// Evicts the keys this replica resolved when the AgentService announces a change that can affect them, so a
/// rotated key or a deactivated agent stops working at once on every replica.
/// </summary>
public sealed class AgentChangeSubscriber(IConnectionMultiplexer redis, KeyResolver resolver, ILogger<AgentChangeSubscriber> logger)
    : RedisNoticeListener(redis, logger)
{
    protected override string Channel => AgentChanged.Channel;

    protected override string WhileUnsubscribed => "resolved keys expire on their own";

    protected override void OnNotice(string message)
    {
        if (AgentChanged.FromNotice(message) is not { CanStaleCaches: false })
        {
            resolver.Evict();
        }
    }
}
