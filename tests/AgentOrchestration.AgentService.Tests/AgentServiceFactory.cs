using AgentOrchestration.TestSupport;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace AgentOrchestration.AgentService.Tests;

/// <summary>The AgentService in-process, against a real Postgres and Redis started for the test run.</summary>
public sealed class AgentServiceFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    public const long MaxBodyBytes = 64 * 1024;

    public PostgresServer Postgres { get; } = new();
    public RedisServer Redis { get; } = new();

    public async Task InitializeAsync()
    {
        await Task.WhenAll(Postgres.InitializeAsync(), Redis.InitializeAsync());
        await Postgres.CreateDatabaseAsync("agentsdb");
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("ConnectionStrings:agentsdb", Postgres.ConnectionString("agentsdb"));
        builder.UseSetting("ConnectionStrings:redis", Redis.ConnectionString);
        builder.UseSetting("Limits:MaxRequestBodyBytes", MaxBodyBytes.ToString());
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        await Task.WhenAll(Postgres.DisposeAsync(), Redis.DisposeAsync());
    }
}

[CollectionDefinition(Name)]
public sealed class AgentServiceCollection : ICollectionFixture<AgentServiceFactory>
{
    public const string Name = "AgentService";
}
