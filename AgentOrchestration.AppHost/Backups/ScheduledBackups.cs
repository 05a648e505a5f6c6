using System.Text.Json;
using Cronos;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Aspire.Hosting.Backups;

/// <summary>Backups:Schedule (cron, five fields or six with seconds; empty for none) and Backups:Keep (how many to keep).</summary>
internal sealed record BackupOptions(CronExpression? Schedule, string? ScheduleText, int Keep)
{
    public const int DefaultKeep = 7;

    public static BackupOptions Parse(string? schedule, string? keep)
    {
        CronExpression? cron = null;
        if (!string.IsNullOrWhiteSpace(schedule))
        {
            var fields = schedule.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
            try
            {
                cron = CronExpression.Parse(schedule, fields == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard);
            }
            catch (CronFormatException ex)
            {
                throw new InvalidOperationException($"Backups:Schedule '{schedule}' is not a cron expression: {ex.Message}", ex);
            }
        }

        var kept = DefaultKeep;
        if (!string.IsNullOrWhiteSpace(keep) && (!int.TryParse(keep, out kept) || kept < 1))
        {
            throw new InvalidOperationException($"Backups:Keep must be a whole number of at least 1, not '{keep}'.");
        }

        return new BackupOptions(cron, cron is null ? null : schedule!.Trim(), kept);
    }
}

/// <summary>
/// Takes the scheduled backups and keeps the newest Backups:Keep. After each attempt it writes backups/schedule.json,
/// which the gateway's /status reads: the last attempt, whether it worked, and the interval that "too old" is measured by.
/// </summary>
internal sealed class ScheduledBackups(BackupOptions options, BackupScripts scripts, LocalRestore backups, TimeProvider clock,
    ILogger<ScheduledBackups> logger) : BackgroundService
{
    public const string StateFile = "schedule.json";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Schedule is not { } schedule)
        {
            return;
        }

        // As configured: Cronos's own rendering spells */20 as 0,20,40.
        ScheduleState state = new(options.ScheduleText!, 0, null, null, null, null, null);
        while (!stoppingToken.IsCancellationRequested)
        {
            var now = clock.GetUtcNow();
            if (schedule.GetNextOccurrence(now, TimeZoneInfo.Local) is not { } next)
            {
                return; // a schedule with no future occurrence
            }

            var interval = (schedule.GetNextOccurrence(next, TimeZoneInfo.Local) ?? next) - next;
            state = state with { IntervalSeconds = interval.TotalSeconds, NextAt = next };
            await WriteStateAsync(state, stoppingToken);
            await Task.Delay(next - now, clock, stoppingToken);

            var result = await backups.BackUpAsync(options.Keep, stoppingToken);
            if (!result.Succeeded)
            {
                logger.LogError("The scheduled backup failed: {Message}", result.Message);
            }

            state = state with
            {
                LastAttemptAt = clock.GetUtcNow(),
                LastSucceeded = result.Succeeded,
                LastBackup = result.Succeeded ? result.Output.Trim() : state.LastBackup,
                LastError = result.Succeeded ? null : result.Message,
            };
        }
    }

    /// <summary>What /status reads (camelCase JSON), written aside and renamed so it is never read half-written.</summary>
    private sealed record ScheduleState(string Schedule, double IntervalSeconds, DateTimeOffset? NextAt, DateTimeOffset? LastAttemptAt,
        bool? LastSucceeded, string? LastBackup, string? LastError);

    private async Task WriteStateAsync(ScheduleState state, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(scripts.BackupsRoot);
        var path = Path.Combine(scripts.BackupsRoot, StateFile);
        await File.WriteAllTextAsync(path + ".tmp", JsonSerializer.Serialize(state, JsonSerializerOptions.Web), cancellationToken);
        File.Move(path + ".tmp", path, overwrite: true);
    }
}
