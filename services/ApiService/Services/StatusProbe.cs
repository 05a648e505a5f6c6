using System.Diagnostics;
using System.Net.Http.Json;
using System.Reflection;
using System.Text.Json;
using StackExchange.Redis;

namespace AgentOrchestration.ApiService.Services;

public sealed record DependencyStatus(string Status, double? LatencyMs, string? Error = null);

public sealed record SystemStatus(
    string Status,
    string Version,
    double Uptime,
    IReadOnlyDictionary<string, DependencyStatus> Services,
    IReadOnlyDictionary<string, JsonElement> Counts,
    WorkerStatus? Workers,
    BackupStatus? Backups = null,
    ReplicaStatus? Replica = null);

/// <summary>The TaskService replica that answered the probe (one of possibly several) and how many tasks it runs.</summary>
public sealed record WorkerStatus(string Replica, int ProcessId, int RunningTasks);

/// <summary>
/// Builds GET /status: every dependency probed in parallel, each with its own short deadline, so the answer
/// comes within a second even when one of them hangs. A dependency that fails is "unhealthy" and the
/// system "degraded"; the ApiService answering at all means it is not wholly down. The gateway holds no database:
/// Postgres is measured by the TaskService's stats query against tasksdb.
/// </summary>
public sealed class StatusProbe(
    IHttpClientFactory httpClients,
    IConnectionMultiplexer redis,
    TimeProvider clock,
    BackupStatusProbe backups,
    ReplicaStatusProbe replica)
{
    public static readonly TimeSpan ProbeTimeout = TimeSpan.FromMilliseconds(800);
    private static readonly DateTimeOffset StartedAt = DateTimeOffset.UtcNow;

    public static readonly string Version =
        typeof(StatusProbe).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    public async Task<SystemStatus> GetAsync(CancellationToken cancellationToken)
    {
        var agents = ProbeServiceAsync("agents", cancellationToken);
        var tools = ProbeServiceAsync("tools", cancellationToken);
        var logging = ProbeServiceAsync("logging", cancellationToken);
        var tasks = ProbeServiceAsync("tasks", cancellationToken);
        var redisProbe = TimedAsync(async ct => { await redis.GetDatabase().PingAsync().WaitAsync(ct); }, cancellationToken);
        ReplicaStatus? replicaStatus = null;
        var replicaProbe = TimedAsync(async ct => replicaStatus = await replica.GetAsync(ct), cancellationToken);
        await Task.WhenAll(agents, tools, logging, tasks, redisProbe, replicaProbe);
        var taskStats = (await tasks).Stats;

        var services = new Dictionary<string, DependencyStatus>
        {
            ["agents"] = (await agents).Status,
            ["tools"] = (await tools).Status,
            ["tasks"] = (await tasks).Status,
            ["logging"] = (await logging).Status,
            ["postgres"] = taskStats is { } measured
                ? new DependencyStatus("healthy", measured.GetProperty("databaseLatencyMs").GetDouble())
                : new DependencyStatus("unhealthy", null, "Not measured: the task service did not answer its stats in time."),
            ["redis"] = await redisProbe,
        };
        var counts = new Dictionary<string, JsonElement>();
        if ((await agents).Stats is { } agentStats)
        {
            counts["agents"] = agentStats;
        }

        if ((await tools).Stats is { } toolStats)
        {
            counts["tools"] = toolStats;
        }

        if (taskStats is { } stats)
        {
            counts["tasks"] = stats.GetProperty("counts");
        }

        var backupStatus = backups.Get();
        var overall = services.Values.All(s => s.Status == "healthy") && backupStatus?.Status != "degraded"
            && replicaStatus?.Status is null or "healthy" ? "healthy" : "degraded";
        return new SystemStatus(overall, Version, Math.Round((clock.GetUtcNow() - StartedAt).TotalSeconds, 1), services, counts,
            taskStats?.GetProperty("replica") is { } worker
                ? new WorkerStatus(worker.GetProperty("name").GetString()!, worker.GetProperty("processId").GetInt32(), worker.GetProperty("runningTasks").GetInt32())
                : null,
            backupStatus, replicaStatus);
    }

    /// <summary>A service is healthy when its /health says so (degraded when it says Degraded); its /internal/stats feeds the counts.</summary>
    private async Task<(DependencyStatus Status, JsonElement? Stats)> ProbeServiceAsync(string service, CancellationToken cancellationToken)
    {
        var http = httpClients.CreateClient(StatusHttpClient.Name);
        JsonElement? stats = null;
        var degraded = false;
        var status = await TimedAsync(async ct =>
        {
            using var health = await http.GetAsync($"http://{service}/health", ct);
            health.EnsureSuccessStatusCode();
            degraded = await health.Content.ReadAsStringAsync(ct) == "Degraded";
            stats = await http.GetFromJsonAsync<JsonElement>($"http://{service}/internal/stats", ct);
        }, cancellationToken);

        // Working, but not fully: e.g. the ToolService while its embedding model is unavailable (search answers lexically).
        return (degraded && status.Status == "healthy" ? status with { Status = "degraded", Error = "Its /health reports Degraded." } : status, stats);
    }

    private static async Task<DependencyStatus> TimedAsync(Func<CancellationToken, Task> probe, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(ProbeTimeout);
        var stopwatch = Stopwatch.StartNew();
        try
        {
            await probe(deadline.Token).WaitAsync(deadline.Token);
            return new DependencyStatus("healthy", Math.Round(stopwatch.Elapsed.TotalMilliseconds, 1));
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var reason = ex is OperationCanceledException ? $"No answer within {ProbeTimeout.TotalMilliseconds} ms." : ex.GetType().Name;
            return new DependencyStatus("unhealthy", null, reason);
        }
    }
}

public static class StatusHttpClient
{
    /// <summary>The client the probes use; each probe has its own short deadline, which also ends any retry.</summary>
    public const string Name = "status-probe";
}
