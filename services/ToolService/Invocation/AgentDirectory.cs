using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AgentOrchestration.ServiceCommon;
using AgentOrchestration.ServiceCommon.Contracts;
using StackExchange.Redis;

namespace AgentOrchestration.ToolService.Invocation;

/// <summary>What the ToolService needs to know of an agent to authorise a call.</summary>
public sealed record AgentGrant(Guid Id, string Name, AgentStatus Status, IReadOnlyList<string> Tools);

/// <summary>
/// "May agent X use tool Y?", asked of the AgentService and cached in Redis (skipped while Redis is away). Every agent change published by the
/// AgentService deletes the cached entries (see <see cref="AgentCacheInvalidator"/>); the TTL bounds staleness if a
/// notice is ever missed.
/// </summary>
public sealed class AgentDirectory(HttpClient http, IConnectionMultiplexer redis, ILogger<AgentDirectory> logger)
{
    public static readonly TimeSpan CacheTtl = TimeSpan.FromSeconds(60);

    /// <summary>
    /// One entry per agent reference as the AgentService reads it: an id (any Guid spelling) by its canonical form,
    /// anything else as a normalized name. So every spelling of an id is dropped by the change notice, and an id
    /// entry and a name entry can never stand for each other.
    /// </summary>
    public static RedisKey CacheKey(string idOrName) => Guid.TryParse(idOrName, out var id)
        ? $"tools:agent-grant:id:{id}"
        : $"tools:agent-grant:name:{AgentRules.NormalizeName(idOrName)}";

    /// <summary>
    /// Takes these tool names out of every agent's grants (before the tools are deleted, so a later tool of the same
    /// name is not granted by accident). Throws HttpRequestException when the AgentService cannot do it.
    /// </summary>
    public async Task RevokeGrantsAsync(IReadOnlyList<string> tools, CancellationToken cancellationToken)
    {
        if (tools.Count == 0)
        {
            return;
        }

        using var response = await http.PostAsJsonAsync("/internal/grants/revoke", new RevokeGrantsRequest(tools), JsonSerializerOptions.Web, cancellationToken);
        response.EnsureSuccessStatusCode();
    }

    public async Task<AgentGrant?> FindAsync(string idOrName, CancellationToken cancellationToken)
    {
        if (!AgentLookup.MayExist(idOrName))
        {
            return null;
        }

        var key = CacheKey(idOrName);
        var cached = await redis.TryAsync(db => db.StringGetAsync(key), logger, "read the agent grant cache", LogLevel.Debug);
        if (cached is { HasValue: true } value)
        {
            return JsonSerializer.Deserialize<AgentGrant>(value.ToString(), JsonSerializerOptions.Web);
        }

        if (await http.FindAgentAsync(idOrName, cancellationToken) is not { } agent)
        {
            return null;
        }

        var grant = new AgentGrant(agent.Id, agent.Name, agent.Status, agent.Tools);
        var json = JsonSerializer.Serialize(grant, JsonSerializerOptions.Web);
        await redis.TryAsync(db => db.StringSetAsync(key, json, CacheTtl), logger, "write the agent grant cache", LogLevel.Debug);
        return grant;
    }

}

/// <summary>Deletes cached grants when the AgentService announces a change of that agent.</summary>
public sealed class AgentCacheInvalidator(IConnectionMultiplexer redis, ILogger<AgentCacheInvalidator> logger)
    : RedisNoticeListener(redis, logger)
{
    protected override string Channel => AgentChanged.Channel;

    protected override string WhileUnsubscribed => $"cached grants expire after {AgentDirectory.CacheTtl.TotalSeconds} s";

    protected override void OnNotice(string message)
    {
        if (AgentChanged.FromNotice(message) is not { } change)
        {
            return;
        }

        // Not awaited: the handler must not block the multiplexer.
        RedisKey[] keys = [AgentDirectory.CacheKey(change.Id.ToString()), AgentDirectory.CacheKey(change.Name)];
        Redis.GetDatabase().KeyDeleteAsync(keys).ContinueWith(
            t => Logger.LogWarning(t.Exception, "Could not drop the cached grant of {Agent}", change.Name),
            CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
    }
}
