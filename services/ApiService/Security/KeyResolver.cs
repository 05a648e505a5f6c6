using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using AgentOrchestration.ApiService.Services;
using AgentOrchestration.ServiceCommon.Contracts;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace AgentOrchestration.ApiService.Security;

/// <summary>
/// Turns a presented key into a principal. The admin key is compared in constant time; other keys are looked up by
/// their SHA-256 in the AgentService and cached, so a busy key costs one lookup a minute rather than one per request.
/// A singleton: it takes the caller's <see cref="AgentServiceClient"/> per call, because a typed HttpClient is
/// transient and one kept for the process lifetime would pin its handler (and its DNS answers) forever.
/// </summary>
public sealed class KeyResolver : IDisposable
{
    private static readonly TimeSpan UnknownKeyCacheDuration = TimeSpan.FromSeconds(5);
    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = 100_000 });
    private readonly SecurityOptions _options;
    private readonly byte[]? _adminHash;

    public KeyResolver(IOptions<SecurityOptions> options)
    {
        _options = options.Value;
        _adminHash = string.IsNullOrEmpty(_options.AdminApiKey) ? null : SHA256.HashData(Encoding.UTF8.GetBytes(_options.AdminApiKey));
    }

    /// <summary>The key's principal, or null for an unknown key. Throws HttpRequestException when the AgentService cannot answer.</summary>
    public async Task<ClaimsPrincipal?> ResolveAsync(string key, AgentServiceClient agents, CancellationToken cancellationToken)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(key));
        if (_adminHash is not null && CryptographicOperations.FixedTimeEquals(hash, _adminHash))
        {
            return CallerClaims.Principal("admin", Roles.Admin);
        }

        var hex = Convert.ToHexStringLower(hash);
        if (_cache.TryGetValue(hex, out ClaimsPrincipal? cached))
        {
            return cached;
        }

        var resolved = await agents.ResolveKeyAsync(hex, cancellationToken);
        var principal = resolved is null ? null
            : CallerClaims.Principal(resolved.KeyId.ToString(), resolved.Role, resolved.AgentId, resolved.AgentName);
        _cache.Set(hex, principal, new MemoryCacheEntryOptions
        {
            Size = 1,
            AbsoluteExpirationRelativeToNow = principal is null ? UnknownKeyCacheDuration : _options.KeyCacheDuration,
        });
        return principal;
    }

    /// <summary>Forgets every resolved key (a key was rotated or revoked, or an agent renamed or deleted).</summary>
    public void Evict() => _cache.Clear();

    public void Dispose() => _cache.Dispose();
}
