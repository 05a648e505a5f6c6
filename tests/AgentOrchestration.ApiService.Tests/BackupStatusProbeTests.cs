using AgentOrchestration.ApiService.Services;
using Microsoft.Extensions.Configuration;

namespace AgentOrchestration.ApiService.Tests;

/// <summary>The backup part of /status: what it reads from the backups folder and when it calls the system degraded.</summary>
public sealed class BackupStatusProbeTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly string _folder = Directory.CreateTempSubdirectory("backup-status-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void WithoutABackupsFolderSettingThereIsNoBackupSection() =>
        Assert.Null(new BackupStatusProbe(new ConfigurationBuilder().Build(), new FixedClock()).Get());

    [Fact]
    public void ReportsTheNewestBackupsTimeAgeAndSize()
    {
        WriteBackup("20261201T100000Z", Now.AddHours(-2), 100);
        WriteBackup("20261201T113000Z", Now.AddMinutes(-30), 250);
        WriteIncomplete("20261201T115900Z");

        var status = Probe().Get()!;

        Assert.Equal("healthy", status.Status);
        Assert.Equal(Now.AddMinutes(-30), status.LastBackupAt);
        Assert.Equal(1800, status.AgeSeconds);
        Assert.Equal(250, status.SizeBytes);
    }

    [Fact]
    public void AFailedScheduledBackupDegrades()
    {
        WriteBackup("20261201T115000Z", Now.AddMinutes(-10), 100);
        WriteSchedule(intervalSeconds: 3600, succeeded: false, error: "pg_dump: connection refused");

        var status = Probe().Get()!;

        Assert.Equal("degraded", status.Status);
        Assert.Equal(false, status.LastScheduledSucceeded);
        Assert.Equal("pg_dump: connection refused", status.LastError);
    }

    [Fact]
    public void ABackupOlderThanTwiceTheIntervalDegradesAndOneWithinItDoesNot()
    {
        WriteBackup("20261201T090000Z", Now.AddHours(-3), 100);
        WriteSchedule(intervalSeconds: 3600, succeeded: true);
        Assert.Equal("degraded", Probe().Get()!.Status);

        WriteSchedule(intervalSeconds: 2 * 3600, succeeded: true);
        Assert.Equal("healthy", Probe().Get()!.Status);
    }

    private BackupStatusProbe Probe() => new(
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Backups:Directory"] = _folder }).Build(),
        new FixedClock());

    private void WriteBackup(string name, DateTimeOffset completedAt, long bytes)
    {
        var dir = Directory.CreateDirectory(Path.Combine(_folder, name)).FullName;
        File.WriteAllText(Path.Combine(dir, "manifest.json"), $$"""{ "format": 1, "completedAt": "{{completedAt:O}}", "totalBytes": {{bytes}}, "databases": [] }""");
    }

    private void WriteIncomplete(string name) => Directory.CreateDirectory(Path.Combine(_folder, name));

    private void WriteSchedule(double intervalSeconds, bool succeeded, string? error = null) =>
        File.WriteAllText(Path.Combine(_folder, "schedule.json"), System.Text.Json.JsonSerializer.Serialize(new
        {
            schedule = "0 * * * *",
            intervalSeconds,
            lastAttemptAt = Now.AddMinutes(-10),
            lastSucceeded = succeeded,
            lastError = error,
            nextAt = Now.AddMinutes(50),
        }));

    private sealed class FixedClock : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => Now;
    }
}
