using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace AgentOrchestration.ServiceCommon;

/// <summary>
/// Redis carries only caches and nudges in this system (grant cache, change and cancel notices); Postgres holds the
/// record. So a Redis call on a request path must never fail the request or stall it while Redis is away.
/// </summary>
public static class BestEffortRedis
{
    /// <summary>
    /// True for the failures an outage produces. <see cref="RedisTimeoutException"/> derives from
    /// <see cref="TimeoutException"/>, not <see cref="RedisException"/>, so catching only the latter lets it through.
    /// </summary>
    public static bool IsOutage(Exception exception) => exception is RedisException or TimeoutException;

    /// <summary>
    /// Runs <paramref name="call"/> if Redis is connected and returns its result, or <c>default</c> when Redis is
    /// disconnected (without waiting for the client's command timeout) or the call fails with an outage.
    /// </summary>
    public static async Task<T?> TryAsync<T>(
        this IConnectionMultiplexer redis, Func<IDatabase, Task<T>> call, ILogger logger, string what, LogLevel level = LogLevel.Warning)
    {
        if (!redis.IsConnected)
        {
            logger.Log(level, "Redis is disconnected; skipped: {What}", what);
            return default;
        }

        try
        {
            return await call(redis.GetDatabase());
        }
        catch (Exception ex) when (IsOutage(ex))
        {
            logger.Log(level, ex, "Redis call failed; skipped: {What}", what);
            return default;
        }
    }

    /// <summary>Publishes a notice if Redis is reachable; receivers have a slower path (TTL, polling) for lost notices.</summary>
    public static Task PublishAsync(this IConnectionMultiplexer redis, string channel, string message, ILogger logger) =>
        redis.TryAsync(db => db.PublishAsync(RedisChannel.Literal(channel), message), logger, $"publish to {channel}");
}
