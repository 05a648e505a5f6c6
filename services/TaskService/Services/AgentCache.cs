using AgentOrchestration.ServiceCommon.Contracts;
using Microsoft.Extensions.Caching.Memory;

namespace AgentOrchestration.TaskService.Services;

/// <summary>
/// The agents tasks are submitted for, kept briefly on each replica, so a busy agent costs one AgentService look-up per
/// <see cref="Ttl"/> rather than one HTTP hop per task. Any change of an agent (update, deactivation, deletion, key
/// rotation) evicts the whole cache at once on every replica through the agents:changed notice, so a deactivated agent
/// stops getting tasks immediately; the TTL bounds staleness if a notice is ever lost. Unknown agents are not cached:
/// an agent registered a moment ago is found at once.
/// </summary>
public sealed class AgentCache : IDisposable
{
    public static readonly TimeSpan Ttl = TimeSpan.FromSeconds(30);

    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = 10_000 });

    /// <param name="agents">The caller's client: a typed HttpClient is transient, so this singleton must not keep one.</param>
    public async Task<AgentResponse?> GetAsync(string idOrName, AgentServiceClient agents, CancellationToken cancellationToken)
    {
        if (_cache.TryGetValue(idOrName, out AgentResponse? cached))
        {
            return cached;
        }

        var agent = await agents.FindAsync(idOrName, cancellationToken);
        if (agent is not null)
        {
            _cache.Set(idOrName, agent, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = Ttl });
        }

        return agent;
    }

    /// <summary>Forgets every agent (one changed; which spelling of it was cached does not matter).</summary>
    public void Evict() => _cache.Clear();

    public void Dispose() => _cache.Dispose();
}
