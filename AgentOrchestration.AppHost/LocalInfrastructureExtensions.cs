using System.Net.Sockets;
using System.Text;
using AgentOrchestration.AppHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace Aspire.Hosting;

/// <summary>
/// Runs the locally installed postgres and redis-server as executable resources, for machines without a
/// container runtime. DCP owns the processes, so stopping the AppHost stops them too.
/// </summary>
internal static class LocalInfrastructureExtensions
{
    private const string PostgresUser = "postgres";

    public static Infrastructure AddLocalInfrastructure(this IDistributedApplicationBuilder builder)
    {
        var dataDir = LocalDataDirectory.Resolve(builder);
        var postgres = builder.AddLocalPostgres(Path.Combine(dataDir, "postgres"));
        var postgresPort = postgres.GetEndpoint("tcp").Property(EndpointProperty.Port);
        var redis = builder.AddLocalRedis(Path.Combine(dataDir, "redis"));
        var redisPort = redis.GetEndpoint("tcp").Property(EndpointProperty.Port);

        IResourceBuilder<IResourceWithConnectionString> Database(string name) =>
            builder.AddConnectionString(name, ReferenceExpression.Create(
                $"Host=127.0.0.1;Port={postgresPort};Username={PostgresUser};Database={name}"));

        return new Infrastructure(
            postgres,
            Database(ResourceNames.AgentsDb),
            Database(ResourceNames.ToolsDb),
            Database(ResourceNames.TasksDb),
            Database(ResourceNames.LogsDb),
            builder.AddConnectionString(ResourceNames.Redis, ReferenceExpression.Create($"127.0.0.1:{redisPort}")),
            redis);
    }

    private static IResourceBuilder<ExecutableResource> AddLocalPostgres(
        this IDistributedApplicationBuilder builder, string pgData)
    {
        var binDir = LocalBinaries.PostgresBinDirectory(builder.Configuration);
        var asRoot = Environment.UserName == "root";
        if (builder.ExecutionContext.IsRunMode)
        {
            LocalBinaries.InitDbIfNeeded(binDir, pgData, asRoot ? PostgresUser : null);
        }

        var postgresBinary = Path.Combine(binDir, "postgres");
        // Postgres refuses to run as root. setpriv drops privileges and then execs postgres itself (unlike runuser,
        // which forks), so the process DCP stops is the postmaster and no orphan is left behind.
        var (command, prefix) = asRoot
            ? ("setpriv", new[] { "--reuid", PostgresUser, "--regid", PostgresUser, "--init-groups", postgresBinary })
            : (postgresBinary, Array.Empty<string>());

        var healthCheckName = $"{ResourceNames.Postgres}-ready";
        var postgres = builder.AddExecutable(ResourceNames.Postgres, command, pgData, prefix)
            .WithEndpoint(name: "tcp", scheme: "tcp", isProxied: false)
            .WithHealthCheck(healthCheckName);

        var endpoint = postgres.GetEndpoint("tcp");
        postgres.WithArgs(context =>
        {
            context.Args.Add("-D");
            context.Args.Add(pgData);
            context.Args.Add("-p");
            context.Args.Add(endpoint.Property(EndpointProperty.Port));
            context.Args.Add("-k");
            context.Args.Add(Path.GetTempPath());
            context.Args.Add("-c");
            context.Args.Add("listen_addresses=127.0.0.1");
            // Two ApiService replicas plus three services, each with a connection pool.
            context.Args.Add("-c");
            context.Args.Add("max_connections=300");
        });

        // Healthy means: accepting connections and every service's database exists, so services that wait for
        // Postgres can run their migrations straight away.
        builder.Services.AddHealthChecks().AddAsyncCheck(healthCheckName, async cancellationToken =>
        {
            if (!endpoint.IsAllocated)
            {
                return HealthCheckResult.Unhealthy("Port not allocated yet.");
            }

            try
            {
                await EnsureDatabasesAsync(endpoint.Port, cancellationToken);
                return HealthCheckResult.Healthy();
            }
            catch (Exception ex) when (ex is NpgsqlException or SocketException or TimeoutException)
            {
                return HealthCheckResult.Unhealthy("Postgres is not accepting connections yet.", ex);
            }
        });

        return postgres;
    }

    private static async Task EnsureDatabasesAsync(int port, CancellationToken cancellationToken)
    {
        var connectionString = $"Host=127.0.0.1;Port={port};Username={PostgresUser};Database=postgres;Timeout=3;Pooling=false";
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        foreach (var database in ResourceNames.Databases)
        {
            await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", connection);
            exists.Parameters.AddWithValue(database);
            if (await exists.ExecuteScalarAsync(cancellationToken) is null)
            {
                // Names come from our own constants, never from input.
                await using var create = new NpgsqlCommand($"CREATE DATABASE \"{database}\"", connection);
                await create.ExecuteNonQueryAsync(cancellationToken);
            }
        }
    }

    private static IResourceBuilder<ExecutableResource> AddLocalRedis(
        this IDistributedApplicationBuilder builder, string redisData)
    {
        if (builder.ExecutionContext.IsRunMode)
        {
            Directory.CreateDirectory(redisData);
        }

        var healthCheckName = $"{ResourceNames.Redis}-ready";
        var redis = builder.AddExecutable(ResourceNames.LocalRedisServer, LocalBinaries.Find(builder.Configuration, "redis-server"), redisData)
            .WithEndpoint(name: "tcp", scheme: "tcp", isProxied: false)
            .WithHealthCheck(healthCheckName);

        var endpoint = redis.GetEndpoint("tcp");
        redis.WithArgs(context =>
        {
            context.Args.Add("--port");
            context.Args.Add(endpoint.Property(EndpointProperty.Port));
            context.Args.Add("--bind");
            context.Args.Add("127.0.0.1");
            context.Args.Add("--dir");
            context.Args.Add(redisData);
            // The execution-event stream must survive a Redis restart: append-only file, fsync every second.
            context.Args.Add("--appendonly");
            context.Args.Add("yes");
        });

        builder.Services.AddHealthChecks().AddAsyncCheck(healthCheckName, async cancellationToken =>
            endpoint.IsAllocated && await PingRedisAsync(endpoint.Port, cancellationToken)
                ? HealthCheckResult.Healthy()
                : HealthCheckResult.Unhealthy("Redis is not answering PING yet."));

        return redis;
    }

    private static async Task<bool> PingRedisAsync(int port, CancellationToken cancellationToken)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync("127.0.0.1", port, cancellationToken);
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray(), cancellationToken);
            var buffer = new byte[16];
            var read = await stream.ReadAsync(buffer, cancellationToken);
            return Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
