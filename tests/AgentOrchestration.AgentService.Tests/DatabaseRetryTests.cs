using System.Reflection;
using AgentOrchestration.AgentService.Infrastructure;
using AgentOrchestration.ServiceCommon;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;
using Npgsql.EntityFrameworkCore.PostgreSQL;

namespace AgentOrchestration.AgentService.Tests;

/// <summary>
/// A database call is retried, but briefly: Aspire's default (six retries over about a minute) kept a request waiting
/// through a whole Postgres outage, and with no retry a pooled connection broken by a restart fails a request.
/// </summary>
[Collection(AgentServiceCollection.Name)]
public sealed class DatabaseRetryTests(AgentServiceFactory factory)
{
    [Fact]
    public void DatabaseCallsRetryTwiceWithinASecond()
    {
        using var scope = factory.Services.CreateScope();
        var strategy = scope.ServiceProvider.GetRequiredService<AgentsDbContext>().Database.CreateExecutionStrategy();

        Assert.IsType<NpgsqlRetryingExecutionStrategy>(strategy);
        Assert.Equal(DatabaseRetry.MaxRetries, Setting<int>(strategy, "MaxRetryCount"));
        Assert.Equal(DatabaseRetry.MaxDelay, Setting<TimeSpan>(strategy, "MaxRetryDelay"));
    }

    private static T Setting<T>(IExecutionStrategy strategy, string name) =>
        (T)typeof(ExecutionStrategy).GetProperty(name, BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic)!.GetValue(strategy)!;
}
