using System.Net.Sockets;
using System.Text;
using AgentOrchestration.AppHost;
using Aspire.Hosting.Backups;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace Aspire.Hosting;

/// <summary>
/// Runs the locally installed postgres and redis-server as executable resources, for machines without a
/// container runtime. DCP owns the processes, so stopping the AppHost stops them too. Like the container
/// resources, both require a password (an AppHost parameter, generated unless set): any local process could
/// otherwise read every database, the Data Protection key ring included, and get around every API check.
/// </summary>
internal static class LocalInfrastructureExtensions
{
    private const string PostgresUser = "postgres";

    public static Infrastructure AddLocalInfrastructure(this IDistributedApplicationBuilder builder)
    {
        var dataDir = LocalDataDirectory.Resolve(builder);
        // Set with Parameters__postgres-password / Parameters__redis-password; otherwise new on every run (the
        // AppHost sets Postgres's password on start, so a data folder keeps working whatever the last one was).
        var postgresPassword = builder.AddParameter(ResourceNames.PostgresPassword,
            new GenerateParameterDefault { MinLength = 32, Special = false }, secret: true);
        var redisPassword = builder.AddParameter(ResourceNames.RedisPassword,
            new GenerateParameterDefault { MinLength = 32, Special = false }, secret: true);
        var postgres = builder.AddLocalPostgres(Path.Combine(dataDir, "postgres"), postgresPassword.Resource);
        var postgresPort = postgres.GetEndpoint("tcp").Property(EndpointProperty.Port);
        var redis = builder.AddLocalRedis(Path.Combine(dataDir, "redis"), redisPassword.Resource);
        var redisPort = redis.GetEndpoint("tcp").Property(EndpointProperty.Port);
        if (builder.ReplicaWanted())
        {
            builder.AddLocalReplica(postgres, Path.Combine(dataDir, "postgres-replica"), LocalBinaries.PostgresBinDirectory(builder.Configuration));
        }

        builder.AddLocalBackups(postgres, dataDir, LocalBinaries.PostgresBinDirectory(builder.Configuration),
            redis.GetEndpoint("tcp"), redisPassword.Resource);

        IResourceBuilder<IResourceWithConnectionString> Database(string name) =>
            builder.AddConnectionString(name, ReferenceExpression.Create(
                $"Host=127.0.0.1;Port={postgresPort};Username={PostgresUser};Password={postgresPassword.Resource};Database={name}"));

        return new Infrastructure(
            postgres,
            Database(ResourceNames.AgentsDb),
            Database(ResourceNames.ToolsDb),
            Database(ResourceNames.TasksDb),
            Database(ResourceNames.LogsDb),
            builder.AddConnectionString(ResourceNames.Redis,
                ReferenceExpression.Create($"127.0.0.1:{redisPort},password={redisPassword.Resource}")),
            redis,
            Path.Combine(dataDir, "backups"));
    }

    private static IResourceBuilder<ExecutableResource> AddLocalPostgres(
        this IDistributedApplicationBuilder builder, string pgData, ParameterResource password)
    {
        var binDir = LocalBinaries.PostgresBinDirectory(builder.Configuration);
        var asRoot = Environment.UserName == "root";
        if (builder.ExecutionContext.IsRunMode)
        {
            LocalBinaries.InitDbIfNeeded(binDir, pgData, asRoot ? PostgresUser : null);
            LocalPostgresAuth.WriteHostBasedAuth(pgData);
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
        postgres.WithArgs(async context =>
        {
            if (context.ExecutionContext.IsRunMode)
            {
                await PostgresDataLock.WaitUntilFreeAsync(pgData, asRoot ? PostgresUser : null, PostgresDataLock.DefaultWait, context.CancellationToken);
            }

            context.Args.Add("-D");
            context.Args.Add(pgData);
            context.Args.Add("-p");
            context.Args.Add(endpoint.Property(EndpointProperty.Port));
            context.Args.Add("-k");
            context.Args.Add(LocalPostgresAuth.SocketDirectory);
            // Only the server's own OS user (and root) may use the socket, where the AppHost sets the password.
            context.Args.Add("-c");
            context.Args.Add("unix_socket_permissions=0700");
            context.Args.Add("-c");
            context.Args.Add("listen_addresses=127.0.0.1");
            // Two TaskService replicas plus four services, each with a connection pool.
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
                await EnsureDatabasesAsync(endpoint.Port, await password.GetValueAsync(cancellationToken) ?? "", cancellationToken);
                return HealthCheckResult.Healthy();
            }
            catch (Exception ex) when (ex is NpgsqlException or SocketException or TimeoutException)
            {
                return HealthCheckResult.Unhealthy("Postgres is not accepting connections yet.", ex);
            }
        });

        return postgres;
    }

    private static async Task EnsureDatabasesAsync(int port, string password, CancellationToken cancellationToken)
    {
        await using var connection = await LocalPostgresAuth.OpenAsAdministratorAsync(port, password, cancellationToken);
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
        this IDistributedApplicationBuilder builder, string redisData, ParameterResource password)
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
        redis.WithArgs(async context =>
        {
            // The password goes in a file only the owner can read, not on the command line that every user's ps shows.
            context.Args.Add(await WriteRedisAuthConfigAsync(redisData, password, context.CancellationToken));
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
            endpoint.IsAllocated && await PingRedisAsync(endpoint.Port, await password.GetValueAsync(cancellationToken) ?? "", cancellationToken)
                ? HealthCheckResult.Healthy()
                : HealthCheckResult.Unhealthy("Redis is not answering PING yet."));

        return redis;
    }

    private static async Task<string> WriteRedisAuthConfigAsync(string redisData, ParameterResource password, CancellationToken cancellationToken)
    {
        var path = Path.Combine(redisData, "auth.conf");
        File.Delete(path);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        await using (var file = new FileStream(path, options))
        await using (var writer = new StreamWriter(file))
        {
            await writer.WriteAsync($"requirepass {await password.GetValueAsync(cancellationToken)}\n");
        }

        return path;
    }

    private static async Task<bool> PingRedisAsync(int port, string password, CancellationToken cancellationToken)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync("127.0.0.1", port, cancellationToken);
            var stream = client.GetStream();
            await stream.WriteAsync(Encoding.ASCII.GetBytes($"AUTH {password}\r\nPING\r\n"), cancellationToken);
            var answer = new StringBuilder();
            var buffer = new byte[64];
            while (!answer.ToString().Contains("\r\n+PONG", StringComparison.Ordinal) && answer.Length < 512)
            {
                var read = await stream.ReadAsync(buffer, cancellationToken);
                if (read == 0 || answer.Append(Encoding.ASCII.GetString(buffer, 0, read)).ToString().StartsWith('-'))
                {
                    return false; // closed, or an error such as a wrong password
                }
            }

            return answer.ToString().StartsWith("+OK\r\n+PONG", StringComparison.Ordinal);
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
