using System.Globalization;
using System.Threading.RateLimiting;
using AgentOrchestration.ServiceCommon;
using AgentOrchestration.ServiceCommon.Contracts;
using Microsoft.AspNetCore.RateLimiting;

namespace AgentOrchestration.ApiService.Security;

/// <summary>
/// A token bucket per key (ASP.NET Core's rate limiter): a key that exceeds its rate gets 429 with Retry-After.
/// Requests without a key are not metered here: they end in a 401 before doing any work.
/// </summary>
public static class RateLimits
{
    public static void Configure(RateLimiterOptions limiter, SecurityOptions security)
    {
        var limits = security.RateLimit;
        limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
        {
            var keyId = context.User.FindFirst(CallerClaims.KeyId)?.Value;
            if (keyId is null)
            {
                return RateLimitPartition.GetNoLimiter("anonymous");
            }

            var admin = context.User.IsInRole(Roles.Admin);
            return RateLimitPartition.GetTokenBucketLimiter(keyId, _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = admin ? limits.AdminBurst : limits.Burst,
                TokensPerPeriod = admin ? limits.AdminPermitsPerSecond : limits.PermitsPerSecond,
                ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                QueueLimit = 0,
                AutoReplenishment = true,
            });
        });
        limiter.OnRejected = async (context, cancellationToken) =>
        {
            var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)) : 1;
            context.HttpContext.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
            await Problems.Problem(StatusCodes.Status429TooManyRequests, "rate_limited", "Too many requests for this key.",
                $"Retry after {retryAfter} s.").ExecuteAsync(context.HttpContext);
        };
    }
}
