using Microsoft.EntityFrameworkCore;

namespace AgentOrchestration.ServiceCommon;

/// <summary>
/// How often a database call is repeated after a transient failure. Aspire's default (six retries over about a
/// minute) kept a request waiting through a whole Postgres outage; two quick retries ride out a pooled connection
/// that a Postgres restart broke, and beyond that the caller gets its 503 at once and decides.
/// </summary>
public static class DatabaseRetry
{
    public const int MaxRetries = 2;
    public static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(1);

    /// <summary>For Aspire's <c>AddNpgsqlDbContext</c>, whose own retry is then disabled (settings.DisableRetry).</summary>
    public static DbContextOptionsBuilder UseBoundedRetry(this DbContextOptionsBuilder options) =>
        options.UseNpgsql(npgsql => npgsql.EnableRetryOnFailure(MaxRetries, MaxDelay, errorCodesToAdd: null));
}
