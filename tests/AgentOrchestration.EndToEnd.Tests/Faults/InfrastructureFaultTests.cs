using System.Net;
using System.Text.Json;

namespace AgentOrchestration.EndToEnd.Tests.Faults;

/// <summary>A private system for the Redis and Postgres faults, so they never disturb the shared collection.</summary>
public sealed class InfrastructureFaultSystem : IAsyncLifetime
{
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), $"ao-fault-infra-{Guid.NewGuid():N}");

    public DistributedApplication App { get; private set; } = null!;

    public HttpClient Api { get; private set; } = null!;

    public string PostgresDataDir => Path.Combine(_dataDir, "postgres");

    public async Task InitializeAsync()
    {
        App = await AppHostFixture.StartAsync(_dataDir);
        Api = AppHostFixture.CreateApiClient(App);
    }

    public async Task DisposeAsync()
    {
        await App.DisposeAsync();
        AppHostFixture.TryDelete(_dataDir);
    }
}

/// <summary>
/// Faults of the infrastructure, with real processes: Redis stopped for 10 seconds, and Postgres restarted while idle and
/// while tasks run. Each test states what was acknowledged and proves every acknowledged task reached a terminal state.
/// </summary>
public sealed class InfrastructureFaultTests(InfrastructureFaultSystem system, Xunit.Abstractions.ITestOutputHelper output) : IClassFixture<InfrastructureFaultSystem>
{
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(10);

    private HttpClient Api => system.Api;

    /// <summary>
    /// Acknowledged: 6 tasks before the outage and 4 during it. Proven: all 10 succeed; /status says degraded (Redis
    /// unhealthy) during the outage and healthy after; every task's events reach the log store, seq 1..N with no gap,
    /// the terminal event last, as many as the task journaled.
    /// </summary>
    [Fact]
    public async Task StoppingRedisForTenSecondsLosesNoTaskAndNoEvent()
    {
        await FaultKit.WaitForStatusAsync(Api, "healthy", TimeSpan.FromSeconds(60));
        var agent = await FaultKit.RegisterAgentAsync(Api, "echo", "sleep");
        var other = await FaultKit.RegisterAgentAsync(Api, "echo", "sleep");
        var acknowledged = new List<Guid>();
        for (var i = 0; i < 6; i++)
        {
            acknowledged.Add(await FaultKit.SubmitAsync(Api, FaultKit.ThreeSteps(agent, sleepMs: 3000)));
        }

        var stoppedAt = DateTime.UtcNow;
        await FaultKit.StopAsync(system.App, ResourceNames.LocalRedisServer);
        JsonElement during;
        try
        {
            during = await FaultKit.WaitForStatusAsync(Api, "degraded", TimeSpan.FromSeconds(8));
            for (var i = 0; i < 4; i++)
            {
                acknowledged.Add(await FaultKit.SubmitAsync(Api, FaultKit.ThreeSteps(other, sleepMs: 500)));
            }

            var rest = Outage - (DateTime.UtcNow - stoppedAt);
            if (rest > TimeSpan.Zero)
            {
                await Task.Delay(rest);
            }
        }
        finally
        {
            await FaultKit.StartAsync(system.App, ResourceNames.LocalRedisServer);
        }

        Assert.Equal("unhealthy", during.GetProperty("services").GetProperty("redis").GetProperty("status").GetString());
        await FaultKit.WaitForStatusAsync(Api, "healthy", TimeSpan.FromSeconds(30));

        var done = await FaultKit.WaitForAllTerminalAsync(Api, acknowledged, TimeSpan.FromSeconds(90));
        var failed = acknowledged.Where(id => done[id].GetProperty("status").GetString() != "succeeded").ToList();
        if (failed.Count > 0)
        {
            // Why a service answered an error is in its log, not in the task: show the services' exceptions too.
            var logs = await ResourceLogs.CollectAsync(system.App, TimeSpan.FromSeconds(2));
            var errors = logs.Where(l => l.Contains("fail:", StringComparison.Ordinal) || l.Contains("Exception", StringComparison.Ordinal)).Take(40);
            Assert.Fail($"{failed.Count} task(s) did not succeed:\n{string.Join("\n", failed.Select(id => done[id].ToString()))}\n"
                + $"service errors:\n{string.Join("\n", errors)}");
        }

        await using var db = await FaultKit.OpenTasksDbAsync(system.App);
        foreach (var id in acknowledged)
        {
            var events = await Api.WaitForCompleteLogAsync(id, TimeSpan.FromSeconds(60));
            await FaultKit.AssertLogCompleteAsync(db, id, events, "task.succeeded");
        }
    }

    /// <summary>
    /// Acknowledged: a task before the idle restart, 8 tasks before the restart under load, and every task submitted
    /// after each restart. Proven: no service process was restarted (same pids), every acknowledged task still exists
    /// and reached a terminal state (succeeded), and the system answers and runs new tasks after each restart.
    /// </summary>
    [Fact]
    public async Task RestartingPostgresIdleAndUnderLoadNeedsNoServiceRestartAndLosesNoTask()
    {
        await FaultKit.WaitForStatusAsync(Api, "healthy", TimeSpan.FromSeconds(60));
        // A scan can miss a process it momentarily cannot inspect: scan again (bounded) until all five are seen.
        var pidsBefore = await FaultKit.ServiceProcessesAsync(system.App);
        for (var scan = 0; scan < 20 && pidsBefore.Count != 5; scan++)
        {
            await Task.Delay(500);
            pidsBefore = await FaultKit.ServiceProcessesAsync(system.App);
        }

        Assert.True(pidsBefore.Count == 5, $"expected 5 service processes (2 ApiService replicas): {string.Join(", ", pidsBefore)}");
        var agent = await FaultKit.RegisterAgentAsync(Api, "echo", "sleep");
        var acknowledged = new List<Guid> { await FaultKit.SubmitAsync(Api, FaultKit.ThreeSteps(agent, sleepMs: 10)) };
        await FaultKit.WaitForAllTerminalAsync(Api, acknowledged, TimeSpan.FromSeconds(30));

        // 1. Idle.
        await RestartPostgresAsync();
        await FaultKit.WaitForStatusAsync(Api, "healthy", TimeSpan.FromSeconds(60));
        acknowledged.Add(await FaultKit.SubmitAsync(Api, FaultKit.ThreeSteps(agent, sleepMs: 10)));
        await FaultKit.WaitForAllTerminalAsync(Api, acknowledged, TimeSpan.FromSeconds(60));

        // 2. While tasks run.
        var loaded = await FaultKit.RegisterAgentAsync(Api, "echo", "sleep");
        var underLoad = new List<Guid>();
        for (var i = 0; i < 8; i++)
        {
            underLoad.Add(await FaultKit.SubmitAsync(Api, FaultKit.ThreeSteps(loaded, sleepMs: 2000)));
        }

        acknowledged.AddRange(underLoad);
        await Api.WaitForTaskAsync(underLoad[0], t => t.GetProperty("status").GetString() is "running" or "succeeded", TimeSpan.FromSeconds(30));
        await RestartPostgresAsync();
        await FaultKit.WaitForStatusAsync(Api, "healthy", TimeSpan.FromSeconds(60));
        acknowledged.Add(await FaultKit.SubmitAsync(Api, FaultKit.ThreeSteps(agent, sleepMs: 10)));

        var done = await FaultKit.WaitForAllTerminalAsync(Api, acknowledged, TimeSpan.FromSeconds(120));
        Assert.All(acknowledged, id => Assert.True(done[id].GetProperty("status").GetString() == "succeeded", $"task {id}: {done[id]}"));
        var pidsAfter = await FaultKit.ServiceProcessesAsync(system.App);
        for (var scan = 0; scan < 20 && pidsAfter.Count != 5; scan++)
        {
            await Task.Delay(500);
            pidsAfter = await FaultKit.ServiceProcessesAsync(system.App);
        }

        Assert.Equal(pidsBefore, pidsAfter);
    }

    /// <summary>
    /// With Postgres stopped, reads and writes through the gateway to the AgentService, ToolService and TaskService
    /// (with and without an Idempotency-Key, for a cached and an uncached agent) answer within the bound with a 503
    /// dependency_unavailable problem: never a 500, never a hang. Nothing asked for during the outage exists after
    /// it, and the system serves again once Postgres is back.
    /// </summary>
    [Fact]
    public async Task WhilePostgresIsDownEveryRequestIsAQuick503AndNothingIsHalfWritten()
    {
        await FaultKit.WaitForStatusAsync(Api, "healthy", TimeSpan.FromSeconds(60));
        var agent = await FaultKit.RegisterAgentAsync(Api, "echo", "sleep");
        var before = await FaultKit.SubmitAsync(Api, FaultKit.ThreeSteps(agent, sleepMs: 10));
        await FaultKit.WaitForAllTerminalAsync(Api, [before], TimeSpan.FromSeconds(30));
        // Registered but never used: the TaskService has not cached it, so a submission for it asks the AgentService.
        var uncached = await FaultKit.RegisterAgentAsync(Api, "echo");
        var during = Json.UniqueName("during");
        var taskKey = Guid.NewGuid().ToString("N");
        (string Method, string Path, string? Body, (string, string)[] Headers)[] requests =
        [
            ("GET", $"/agents/{agent}", null, []),
            ("POST", "/register-agent", $$"""{ "name": "{{during}}", "tools": ["echo"] }""", []),
            ("POST", "/execute-task", $$"""{ "agent": "{{agent}}", "tool": "echo", "arguments": { "text": "x" } }""",
                [("Prefer", "respond-async"), ("Idempotency-Key", taskKey)]),
            ("POST", "/execute-task", $$"""{ "agent": "{{uncached}}", "tool": "echo", "arguments": { "text": "x" } }""", [("Prefer", "respond-async")]),
            ("GET", $"/tasks/{before}", null, []),
            ("GET", "/tools?q=echo", null, []),
            ("GET", $"/tasks/{before}/logs", null, []),
        ];

        using var gateway = new Adversarial.GatewayClient(system.App);
        await FaultKit.StopAsync(system.App, ResourceNames.Postgres);
        var answers = new List<(string Request, Adversarial.Answer Answer)>();
        try
        {
            foreach (var (method, path, body, headers) in requests)
            {
                var answer = await gateway.SendAsync(method, path, AppHostFixture.AdminApiKey,
                    body is null ? null : System.Text.Encoding.UTF8.GetBytes(body), headers, TimeSpan.FromSeconds(30));
                answers.Add(($"{method} {path}", answer));
                output.WriteLine($"{method} {path}: {answer}");
            }
        }
        finally
        {
            await FaultKit.StartAsync(system.App, ResourceNames.Postgres);
        }

        Assert.All(answers, a => Assert.True(
            a.Answer.Status == 503 && a.Answer.MediaType == "application/problem+json" && a.Answer.Body.Contains("\"dependency_unavailable\"")
                && a.Answer.Elapsed < TimeSpan.FromSeconds(15),
            $"{a.Request}: {a.Answer}"));

        await FaultKit.WaitForStatusAsync(Api, "healthy", TimeSpan.FromSeconds(60));
        Assert.Equal(HttpStatusCode.NotFound, (await Api.GetAsync($"/agents/{during}")).StatusCode);
        await using var db = await FaultKit.OpenTasksDbAsync(system.App);
        async Task<long> CountAsync(string where) => (long)(await new Npgsql.NpgsqlCommand($"SELECT count(*) FROM tasks WHERE {where}", db).ExecuteScalarAsync())!;
        Assert.Equal(0, await CountAsync($"idempotency_key = '{taskKey}'"));
        Assert.Equal(0, await CountAsync($"agent_name = '{uncached}'"));
        var resubmitted = await Api.ExecuteAsync($$"""{ "agent": "{{agent}}", "tool": "echo", "arguments": { "text": "x" } }""",
            prefer: "respond-async", idempotencyKey: taskKey);
        Assert.Equal(HttpStatusCode.Accepted, resubmitted.StatusCode);
        var id = (await resubmitted.ReadJsonAsync()).GetProperty("id").GetGuid();
        Assert.Equal(2, await CountAsync($"agent_name = '{agent}'"));
        var done = await FaultKit.WaitForAllTerminalAsync(Api, [id], TimeSpan.FromSeconds(30));
        Assert.Equal("succeeded", done[id].GetProperty("status").GetString());
    }

    /// <summary>A fast shutdown (SIGINT to the postmaster, as an operator's restart does), then DCP starts it again.</summary>
    private async Task RestartPostgresAsync()
    {
        var postmaster = int.Parse(File.ReadLines(Path.Combine(system.PostgresDataDir, "postmaster.pid")).First().Trim());
        FaultKit.Signal(postmaster, "INT");
        await FaultKit.WaitForExitedAsync(system.App, ResourceNames.Postgres);
        await FaultKit.StartAsync(system.App, ResourceNames.Postgres);
    }
}
