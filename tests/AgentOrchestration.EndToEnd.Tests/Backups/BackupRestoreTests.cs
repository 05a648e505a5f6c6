using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using AgentOrchestration.EndToEnd.Tests.Faults;
using AgentOrchestration.TestSupport;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;

namespace AgentOrchestration.EndToEnd.Tests.Backups;

/// <summary>
/// A system of its own for the backup tests: a restore stops and starts every service, which would disturb the
/// shared fixture's tests. Its HTTP tool server outlives the system, so a tool registered before a restore still answers.
/// </summary>
public sealed class BackupSystemFixture : IAsyncLifetime
{
    /// <summary>Every 20 seconds (six fields: with seconds), so a test sees scheduled backups come and old ones go.</summary>
    public const string Schedule = "*/20 * * * * *";

    public const int Keep = 3;

    public TestHttpServer Tool { get; } = new();

    public string DataDir { get; } = Path.Combine(Path.GetTempPath(), $"ao-backup-{Guid.NewGuid():N}");

    public DistributedApplication App { get; private set; } = null!;

    public HttpClient Api { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Tool.InitializeAsync();
        App = await AppHostFixture.StartAsync(DataDir, smallLimits: false, $"--Backups:Schedule={Schedule}", $"--Backups:Keep={Keep}");
        Api = AppHostFixture.CreateApiClient(App);
    }

    public async Task DisposeAsync()
    {
        await App.DisposeAsync();
        await Tool.DisposeAsync();
        AppHostFixture.TryDelete(DataDir);
    }
}

/// <summary>Backups and restores of the real local system, with the scripts a person runs and the dashboard's command.</summary>
public sealed class BackupRestoreTests(BackupSystemFixture system) : IClassFixture<BackupSystemFixture>
{
    private readonly DistributedApplication _app = system.App;
    private readonly HttpClient _api = system.Api;
    private readonly TestHttpServer _tool = system.Tool;
    private readonly string _dataDir = system.DataDir;

    [Fact]
    public async Task RestoreBringsBackTheBackedUpStateDropsLaterWritesAndKeepsSecretHeadersWorking()
    {
        // Before the backup: an HTTP tool whose header is stored encrypted, an agent allowed to use it, and a task.
        var tool = await _api.RegisterHttpToolAsync($"{_tool.BaseUrl}/weather", "backed",
            headers: new Dictionary<string, string> { ["X-Key"] = "s3cret" });
        var earlier = await _api.RegisterAgentWithKeyAsync(tool);
        var earlierTask = await RunWeatherTaskAsync(earlier, tool);

        var (backup, manifest) = await BackupScriptRunner.BackUpAsync(_dataDir);
        Assert.StartsWith(Path.Combine(_dataDir, "backups"), backup);
        var databases = manifest.GetProperty("databases").EnumerateArray().ToDictionary(d => d.GetProperty("name").GetString()!);
        Assert.Equal(ResourceNames.Databases.Order(), databases.Keys.Order());
        foreach (var (name, database) in databases)
        {
            Assert.True(database.GetProperty("bytes").GetInt64() > 0, $"{name} is empty");
            Assert.True(database.GetProperty("migrations").GetArrayLength() > 0, $"{name} lists no migrations");
        }

        // After it: another agent and another task, which the restore must take away.
        var later = await _api.RegisterAgentWithKeyAsync(tool);
        var laterTask = await RunWeatherTaskAsync(later, tool);

        var restored = await BackupScriptRunner.RunAsync("restore.sh", _dataDir, backup);
        Assert.True(restored.ExitCode == 0, $"restore.sh failed: {restored}");

        await FaultKit.WaitForStatusAsync(_api, "healthy", TimeSpan.FromMinutes(1));
        Assert.Equal(HttpStatusCode.OK, (await _api.GetAsync($"/agents/{earlier.Name}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _api.GetAsync($"/agents/{later.Name}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _api.GetAsync($"/tasks/{earlierTask}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _api.GetAsync($"/tasks/{laterTask}")).StatusCode);
        // The earlier task's log came back whole (the restored outbox and log agree; the emptied stream lost nothing).
        var log = await _api.WaitForCompleteLogAsync(earlierTask, TimeSpan.FromSeconds(30));
        Assert.Equal(Enumerable.Range(1, log.Count), log.Select(e => e.GetProperty("seq").GetInt32()));

        // The key ring came back with toolsdb: the restarted ToolService decrypts the header and the call carries it.
        await RunWeatherTaskAsync(earlier, tool);
    }

    [Fact]
    public async Task RestoreRefusesABackupFromANewerSchemaAndStopsNothing()
    {
        var (backup, _) = await BackupScriptRunner.BackUpAsync(_dataDir);
        var manifestPath = Path.Combine(backup, "manifest.json");
        var manifest = JsonNode.Parse(await File.ReadAllTextAsync(manifestPath))!;
        manifest["databases"]![0]!["migrations"]!.AsArray().Add("29991231235959_FromTheFuture");
        await File.WriteAllTextAsync(manifestPath, manifest.ToJsonString());
        var agent = await FaultKit.RegisterAgentAsync(_api, "echo");

        var refused = await BackupScriptRunner.RunAsync("restore.sh", _dataDir, backup);

        Assert.True(refused.ExitCode == 3, $"restore.sh did not refuse: {refused}");
        Assert.Contains("newer schema", refused.Error);
        Assert.Contains("29991231235959_FromTheFuture", refused.Error);
        // Nothing was stopped or replaced: what was written after the backup is still there, and the services never went down.
        Assert.Equal(HttpStatusCode.OK, (await _api.GetAsync($"/agents/{agent}")).StatusCode);
        var agents = _app.ResourceNotifications.TryGetCurrentState(ResourceNames.AgentService, out var state) ? state : null;
        Assert.Equal(KnownResourceStates.Running, agents?.Snapshot.State?.Text);
    }

    [Fact]
    public async Task BackUpNowCommandOnThePostgresResourceWritesACompleteBackup()
    {
        var commands = _app.Services.GetRequiredService<ResourceCommandService>();

        var result = await commands.ExecuteCommandAsync(ResourceNames.Postgres, "backup-now");

        Assert.True(result.Success, result.Message);
        var folder = result.Message!.Trim();
        Assert.True(Directory.Exists(folder), $"the command named no backup folder: {result.Message}");
        var manifest = BackupScriptRunner.ReadManifest(folder);
        Assert.Equal(ResourceNames.Databases.Length, manifest.GetProperty("databases").GetArrayLength());
        var check = await BackupScriptRunner.RunAsync("restore.sh", _dataDir, "--check", folder);
        Assert.True(check.ExitCode == 0, $"the command's backup does not check out: {check}");
    }

    /// <summary>The schedule and a manual backup can start in the same second: each must get a folder of its own.</summary>
    [Fact]
    public async Task BackupsStartedTogetherEachCompleteInTheirOwnFolder()
    {
        var runs = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => BackupScriptRunner.RunAsync("backup.sh", _dataDir)));

        foreach (var run in runs)
        {
            Assert.True(run.ExitCode == 0, run.ToString());
        }

        // Each says where its whole backup went (the schedule's retention may prune them any moment now, so the
        // manifests are not read here; a backup's contents are checked by the other tests).
        var folders = runs.Select(r => r.Output.Trim()).ToList();
        Assert.Equal(3, folders.Distinct().Count());
        Assert.All(folders, folder => Assert.StartsWith(Path.Combine(_dataDir, "backups"), folder));
    }

    [Fact]
    public async Task ScheduledBackupsShowInStatusAndOnlyTheNewestKeepRemain()
    {
        for (var i = 0; i < BackupSystemFixture.Keep; i++)
        {
            await BackupScriptRunner.BackUpAsync(_dataDir);
        }

        var since = DateTimeOffset.UtcNow;
        var backups = await WaitForScheduledBackupAsync(since, TimeSpan.FromSeconds(90));

        Assert.Equal("healthy", backups.GetProperty("status").GetString());
        Assert.Equal(BackupSystemFixture.Schedule, backups.GetProperty("schedule").GetString());
        Assert.True(backups.GetProperty("sizeBytes").GetInt64() > 0, backups.ToString());
        Assert.True(backups.GetProperty("ageSeconds").GetDouble() < 60, backups.ToString());
        Assert.True(backups.GetProperty("lastBackupAt").GetDateTimeOffset() >= since.AddSeconds(-1), backups.ToString());
        var complete = Directory.GetDirectories(Path.Combine(_dataDir, "backups")).Count(d => File.Exists(Path.Combine(d, "manifest.json")));
        Assert.Equal(BackupSystemFixture.Keep, complete);
    }

    /// <summary>The backups part of /status once a scheduled backup has succeeded after the given time (bounded).</summary>
    private async Task<JsonElement> WaitForScheduledBackupAsync(DateTimeOffset after, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var status = await (await _api.GetAsync("/status")).ReadJsonAsync();
            if (status.TryGetProperty("backups", out var backups) && backups.ValueKind == JsonValueKind.Object
                && backups.GetProperty("lastScheduledAt").ValueKind == JsonValueKind.String
                && backups.GetProperty("lastScheduledAt").GetDateTimeOffset() > after
                && backups.GetProperty("lastScheduledSucceeded").ValueKind == JsonValueKind.True)
            {
                return backups;
            }

            Assert.True(DateTime.UtcNow < deadline, $"no scheduled backup succeeded within {timeout.TotalSeconds} s: {status}");
            await Task.Delay(1000);
        }
    }

    /// <summary>Runs the weather tool as the agent; the tool answers sawKey=true only if the secret header arrived.</summary>
    private async Task<Guid> RunWeatherTaskAsync(Keys.AgentWithKey agent, string tool)
    {
        var asAgent = AppHostFixture.CreateApiClient(_app, agent.ApiKey);
        var run = await asAgent.ExecuteAsync($$"""{ "agent": "{{agent.Name}}", "tool": "{{tool}}", "arguments": { "city": "Bergen" } }""",
            idempotencyKey: Guid.NewGuid().ToString("N"));
        var task = await run.ReadJsonAsync();
        Assert.True(task.TryGetProperty("status", out var status) && status.GetString() == "succeeded", task.ToString());
        Assert.True(task.GetProperty("result").GetProperty("main").GetProperty("sawKey").GetBoolean(), task.ToString());
        return task.GetProperty("id").GetGuid();
    }
}
