using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace AgentOrchestration.ServiceCommon;

/// <summary>
/// The one way a service listens to a Redis notice channel. Notices are nudges: every listener has a slower path
/// (a TTL, a poll, the record in Postgres) for a notice it misses, so Redis being away at start-up is logged, not
/// fatal, and the client subscribes again by itself after a reconnect. StackExchange.Redis runs handlers
/// concurrently, so a handler must not depend on the order of notices, and must not block: it runs on the
/// multiplexer's threads. A handler that throws is logged here and never reaches the multiplexer.
/// </summary>
public static class RedisNotices
{
    /// <returns>Whether the subscription was made; when not, <paramref name="whileUnsubscribed"/> says what covers for it.</returns>
    public static async Task<bool> ListenAsync(
        this IConnectionMultiplexer redis, string channel, Action<string> onNotice, ILogger logger, string whileUnsubscribed)
    {
        try
        {
            await redis.GetSubscriber().SubscribeAsync(RedisChannel.Literal(channel), (_, message) =>
            {
                try
                {
                    onNotice(message.ToString());
                }
                catch (Exception ex)
                {
                    logger.LogWarning(ex, "A notice on {Channel} could not be handled", channel);
                }
            });
            return true;
        }
        catch (Exception ex) when (BestEffortRedis.IsOutage(ex))
        {
            logger.LogWarning(ex, "Could not subscribe to {Channel}; {Fallback}", channel, whileUnsubscribed);
            return false;
        }
    }
}

/// <summary>A hosted service that only listens to one notice channel for as long as the service runs.</summary>
public abstract class RedisNoticeListener(IConnectionMultiplexer redis, ILogger logger) : IHostedService
{
    protected IConnectionMultiplexer Redis { get; } = redis;

    protected ILogger Logger { get; } = logger;

    protected abstract string Channel { get; }

    /// <summary>What keeps the service right without the notices, for the log when Redis is away.</summary>
    protected abstract string WhileUnsubscribed { get; }

    protected abstract void OnNotice(string message);

    public Task StartAsync(CancellationToken cancellationToken) => Redis.ListenAsync(Channel, OnNotice, Logger, WhileUnsubscribed);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
