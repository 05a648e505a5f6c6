using System.Diagnostics;
using AgentOrchestration.AppHost;

namespace Aspire.Hosting;

/// <summary>
/// Where the system's Postgres databases and Redis come from, whichever mode supplies them; in local mode also the
/// folder of its backups (the managed server of a deployment keeps its own).
/// </summary>
public sealed record Infrastructure(
    IResourceBuilder<IResource> PostgresServer,
    IResourceBuilder<IResourceWithConnectionString> AgentsDb,
    IResourceBuilder<IResourceWithConnectionString> ToolsDb,
    IResourceBuilder<IResourceWithConnectionString> TasksDb,
    IResourceBuilder<IResourceWithConnectionString> LogsDb,
    IResourceBuilder<IResourceWithConnectionString> Redis,
    IResourceBuilder<IResource> RedisServer,
    string? BackupsDirectory = null);

public static class InfrastructureExtensions
{
    /// <summary>
    /// Adds Postgres (one database per service) and Redis. With a working container runtime (or in publish mode,
    /// which azd deploys) they are the Aspire container integrations; without one, the locally installed binaries
    /// run as executables that expose the same connection-string names, so no service knows the difference.
    /// </summary>
    public static Infrastructure AddInfrastructure(this IDistributedApplicationBuilder builder)
    {
        var mode = builder.Configuration["Infrastructure:Mode"] ?? "auto";
        var useContainers = !builder.ExecutionContext.IsRunMode || mode switch
        {
            "containers" => true,
            "local" => false,
            "auto" => ContainerRuntimeIsHealthy(),
            _ => throw new InvalidOperationException(
                $"Infrastructure:Mode must be 'auto', 'containers' or 'local', not '{mode}'."),
        };

        if (!builder.ExecutionContext.IsRunMode && builder.Configuration["Infrastructure:Postgres"] is { Length: > 0 } postgres)
        {
            return postgres switch
            {
                "external" => builder.AddExternalPostgresInfrastructure(),
                "container" => builder.AddContainerInfrastructure(),
                _ => throw new InvalidOperationException(
                    $"Infrastructure:Postgres must be 'container' or 'external', not '{postgres}'."),
            };
        }

        return useContainers ? builder.AddContainerInfrastructure() : builder.AddLocalInfrastructure();
    }

    /// <summary>
    /// Publish mode with Infrastructure:Postgres=external: each database is a connection-string parameter (azd asks for
    /// it and keeps it as a secret), so the deployment uses a managed server (Azure Database for PostgreSQL Flexible
    /// Server: zone-redundant HA, point-in-time restore) instead of a container whose data lives in one volume. The
    /// server must have the four databases; each service applies its own migrations. Redis stays a container: it holds
    /// nothing that cannot be rebuilt.
    /// </summary>
    private static Infrastructure AddExternalPostgresInfrastructure(this IDistributedApplicationBuilder builder)
    {
        var agents = builder.AddConnectionString(ResourceNames.AgentsDb);
        var redis = builder.AddRedis(ResourceNames.Redis);
        return new Infrastructure(
            agents,
            agents,
            builder.AddConnectionString(ResourceNames.ToolsDb),
            builder.AddConnectionString(ResourceNames.TasksDb),
            builder.AddConnectionString(ResourceNames.LogsDb),
            redis,
            redis);
    }

    /// <summary>
    /// A service counts as healthy when its /health does (database reachable, migrations applied), so a
    /// dependent that waits for it never meets a half-started service.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithServiceHealthCheck(this IResourceBuilder<ProjectResource> project) =>
        project.WithHttpHealthCheck("/health");

    /// <summary>References a database and waits until it accepts connections.</summary>
    public static IResourceBuilder<ProjectResource> WithDatabase(
        this IResourceBuilder<ProjectResource> project,
        IResourceBuilder<IResourceWithConnectionString> database,
        Infrastructure infrastructure) =>
        project.WithReference(database).WaitFor(database.Resource is ConnectionStringResource
            ? infrastructure.PostgresServer
            : database);

    /// <summary>
    /// The gateway's /status reports the newest backup and the schedule's health from the backups folder, and, with a
    /// local replica, its state and lag (so a replica that is expected but not streaming shows as degraded).
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithBackupStatus(
        this IResourceBuilder<ProjectResource> project, Infrastructure infrastructure)
    {
        if (infrastructure.BackupsDirectory is not { } folder)
        {
            return project;
        }

        project.WithEnvironment("Backups__Directory", folder);
        // The replica's state is read from the primary's pg_stat_replication: the gateway's only database connection,
        // and only when a replica is wanted (it reads no tables).
        return project.ApplicationBuilder.ReplicaWanted()
            ? project.WithEnvironment("Replica__Name", ResourceNames.PostgresReplica).WithReference(infrastructure.TasksDb)
            : project;
    }

    public static IResourceBuilder<ProjectResource> WithRedis(
        this IResourceBuilder<ProjectResource> project, Infrastructure infrastructure) =>
        project.WithReference(infrastructure.Redis).WaitFor(infrastructure.RedisServer);

    private static Infrastructure AddContainerInfrastructure(this IDistributedApplicationBuilder builder)
    {
        var postgres = builder.AddPostgres(ResourceNames.Postgres);
        var redis = builder.AddRedis(ResourceNames.Redis);

        // Keep data across AppHost restarts while developing; a deployment brings its own storage.
        if (builder.ExecutionContext.IsRunMode)
        {
            postgres.WithDataVolume();
            redis.WithDataVolume();
        }

        return new Infrastructure(
            postgres,
            postgres.AddDatabase(ResourceNames.AgentsDb),
            postgres.AddDatabase(ResourceNames.ToolsDb),
            postgres.AddDatabase(ResourceNames.TasksDb),
            postgres.AddDatabase(ResourceNames.LogsDb),
            redis,
            redis);
    }

    /// <summary>
    /// True when `docker info` (or the runtime named by ASPIRE_CONTAINER_RUNTIME) answers within a few seconds.
    /// A docker client with no engine behind it fails fast, which is the common case on CI machines.
    /// </summary>
    private static bool ContainerRuntimeIsHealthy()
    {
        var runtime = Environment.GetEnvironmentVariable("ASPIRE_CONTAINER_RUNTIME") ?? "docker";
        try
        {
            using var process = Process.Start(new ProcessStartInfo(runtime, "info --format {{.ServerVersion}}")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            });
            if (process is null)
            {
                return false;
            }

            if (!process.WaitForExit(TimeSpan.FromSeconds(5)))
            {
                process.Kill(entireProcessTree: true);
                return false;
            }

            return process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false; // not installed
        }
    }
}
