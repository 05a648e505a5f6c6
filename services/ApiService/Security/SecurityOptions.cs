namespace AgentOrchestration.ApiService.Security;

/// <summary>Who may call the public API, and how much (configuration section "Security").</summary>
public sealed class SecurityOptions
{
    public const string Section = "Security";

    /// <summary>The admin key: the AppHost's secret parameter <c>admin-api-key</c>.</summary>
    public string? AdminApiKey { get; set; }

    public RateLimitOptions RateLimit { get; set; } = new();

    /// <summary>How long a resolved key is trusted before asking the AgentService again (revocations also evict at once).</summary>
    public TimeSpan KeyCacheDuration { get; set; } = TimeSpan.FromSeconds(60);
}

/// <summary>A token bucket per key: <c>PermitsPerSecond</c> sustained, <c>Burst</c> at once; the admin key has its own rate.</summary>
public sealed class RateLimitOptions
{
    public int PermitsPerSecond { get; set; } = 50;
    public int Burst { get; set; } = 100;
    public int AdminPermitsPerSecond { get; set; } = 1000;
    public int AdminBurst { get; set; } = 2000;
}
