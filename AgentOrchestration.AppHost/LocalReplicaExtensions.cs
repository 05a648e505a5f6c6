using System.Diagnostics;
using System.Net.Sockets;
using AgentOrchestration.AppHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace Aspire.Hosting;

/// <summary>
/// Infrastructure:Replica=true (local mode): a streaming replica of the local Postgres as its own resource, made with
/// pg_basebackup on first start (standby.signal), following the primary over its socket. Its "Promote" command turns it
/// into a primary, for a drill of losing the primary. The primary's port changes between runs, so the replica is told
/// where it is on every start (primary_conninfo on the command line) rather than by what pg_basebackup wrote.
/// </summary>
internal static class LocalReplicaExtensions
{
    public const string PromoteCommand = "promote";
    private const string PostgresUser = "postgres";

    public static bool ReplicaWanted(this IDistributedApplicationBuilder builder) =>
        builder.ExecutionContext.IsRunMode && builder.Configuration.GetValue("Infrastructure:Replica", false);

    public static void AddLocalReplica(this IDistributedApplicationBuilder builder, IResourceBuilder<ExecutableResource> primary,
        string replicaData, string binDir)
    {
        var asRoot = Environment.UserName == "root";
        var postgresBinary = Path.Combine(binDir, "postgres");
        var (command, prefix) = asRoot
            ? ("setpriv", new[] { "--reuid", PostgresUser, "--regid", PostgresUser, "--init-groups", postgresBinary })
            : (postgresBinary, Array.Empty<string>());
        var primaryEndpoint = primary.GetEndpoint("tcp");
        var healthCheckName = $"{ResourceNames.PostgresReplica}-ready";
        var replica = builder.AddExecutable(ResourceNames.PostgresReplica, command, Path.GetDirectoryName(replicaData)!, prefix)
            .WithEndpoint(name: "tcp", scheme: "tcp", isProxied: false)
            .WithHealthCheck(healthCheckName)
            .WaitFor(primary);
        var endpoint = replica.GetEndpoint("tcp");
        replica.WithArgs(async context =>
        {
            // Runs when the replica starts, after the primary is healthy: the first start copies the primary.
            if (context.ExecutionContext.IsRunMode)
            {
                await PostgresDataLock.WaitUntilFreeAsync(replicaData, asRoot ? PostgresUser : null, PostgresDataLock.DefaultWait, context.CancellationToken);
            }

            await BaseBackupIfNeededAsync(binDir, replicaData, primaryEndpoint.Port, asRoot, context.CancellationToken);
            context.Args.Add("-D");
            context.Args.Add(replicaData);
            context.Args.Add("-p");
            context.Args.Add(endpoint.Property(EndpointProperty.Port));
            context.Args.Add("-k");
            context.Args.Add(LocalPostgresAuth.SocketDirectory);
            context.Args.Add("-c");
            context.Args.Add("unix_socket_permissions=0700");
            context.Args.Add("-c");
            context.Args.Add("listen_addresses=127.0.0.1");
            // A hot standby needs at least the primary's max_connections.
            context.Args.Add("-c");
            context.Args.Add("max_connections=300");
            context.Args.Add("-c");
            context.Args.Add($"primary_conninfo=host={LocalPostgresAuth.SocketDirectory} port={primaryEndpoint.Port} user={PostgresUser} application_name={ResourceNames.PostgresReplica}");
        });

        builder.Services.AddHealthChecks().AddAsyncCheck(healthCheckName, async cancellationToken =>
        {
            if (!endpoint.IsAllocated)
            {
                return HealthCheckResult.Unhealthy("Port not allocated yet.");
            }

            try
            {
                await using var connection = await OpenOverSocketAsync(endpoint.Port, cancellationToken);
                await using var recovery = new NpgsqlCommand("SELECT pg_is_in_recovery()", connection);
                return (bool)(await recovery.ExecuteScalarAsync(cancellationToken))!
                    ? HealthCheckResult.Healthy("Streaming from the primary.")
                    : HealthCheckResult.Healthy("Promoted: a primary now.");
            }
            catch (Exception ex) when (ex is NpgsqlException or SocketException or TimeoutException)
            {
                return HealthCheckResult.Unhealthy("The replica is not accepting connections yet.", ex);
            }
        });

        replica.WithCommand(PromoteCommand, "Promote to primary", async context =>
        {
            await using var connection = await OpenOverSocketAsync(endpoint.Port, context.CancellationToken);
            await using var promote = new NpgsqlCommand("SELECT pg_promote(true, 60)", connection);
            return (bool)(await promote.ExecuteScalarAsync(context.CancellationToken))!
                ? CommandResults.Success("The replica is a primary now and takes writes.")
                : CommandResults.Failure("Postgres did not finish the promotion within 60 s.");
        }, new CommandOptions
        {
            Description = "Ends replication and makes the replica writable (a drill of losing the primary).",
            ConfirmationMessage = "The replica stops following the primary for good. Promote it?",
            IconName = "ArrowUp",
            UpdateState = context => context.ResourceSnapshot.State?.Text == KnownResourceStates.Running
                ? ResourceCommandState.Enabled
                : ResourceCommandState.Disabled,
        });
    }

    private static async Task<NpgsqlConnection> OpenOverSocketAsync(int port, CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(
            $"Host={LocalPostgresAuth.SocketDirectory};Port={port};Username={PostgresUser};Database=postgres;Timeout=3;Pooling=false");
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    private static async Task BaseBackupIfNeededAsync(string binDir, string replicaData, int primaryPort, bool asRoot, CancellationToken cancellationToken)
    {
        if (File.Exists(Path.Combine(replicaData, "PG_VERSION")))
        {
            return;
        }

        var partial = replicaData + ".partial";
        if (Directory.Exists(partial))
        {
            Directory.Delete(partial, recursive: true);
        }

        Directory.CreateDirectory(partial);
        string[] args = [Path.Combine(binDir, "pg_basebackup"), "-D", partial, "-h", LocalPostgresAuth.SocketDirectory, "-p", primaryPort.ToString(),
            "-U", PostgresUser, "-X", "stream", "-R", "-c", "fast"];
        if (asRoot)
        {
            await RunAsync("chown", [$"{PostgresUser}:{PostgresUser}", partial], cancellationToken);
            await RunAsync("chmod", ["700", partial], cancellationToken);
            await RunAsync("setpriv", ["--reuid", PostgresUser, "--regid", PostgresUser, "--init-groups", .. args], cancellationToken);
        }
        else
        {
            await RunAsync(args[0], args[1..], cancellationToken);
        }

        // Renamed when complete, so a copy cut short is made again rather than started.
        Directory.Move(partial, replicaData);
    }

    private static async Task RunAsync(string command, string[] args, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(command) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {command}.");
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.StandardOutput.ReadToEndAsync(cancellationToken);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromMinutes(10));
        await process.WaitForExitAsync(deadline.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"'{command} {string.Join(' ', args)}' failed: {await stderr}");
        }
    }
}
