using Microsoft.Extensions.Hosting;
using StackExchange.Redis;

namespace AgentOrchestration.ServiceCommon;

public static class RedisClientExtensions
{
    /// <summary>
    /// The app's Redis connection (Aspire client integration: health check, traces, metrics), with its socket I/O on
    /// the .NET thread pool. StackExchange.Redis otherwise runs its own dedicated I/O threads, which on this app's small
    /// hosts (several services sharing two cores) spend their time waking, spinning and handing work to the thread pool.
    /// </summary>
    public static void AddAppRedisClient(this IHostApplicationBuilder builder) =>
        builder.AddRedisClient("redis", configureOptions: options => options.SocketManager = SocketManager.ThreadPool);
}
