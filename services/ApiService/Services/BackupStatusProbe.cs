using System.Text.Json;

namespace AgentOrchestration.ApiService.Services;

/// <summary>
/// The local system's backups as /status shows them: the newest one (when, how old, how big) and the schedule's last
/// attempt. "degraded" when the last scheduled backup failed, or the newest is older than twice the schedule's interval.
/// </summary>
public sealed record BackupStatus(
    string Status,
    DateTimeOffset? LastBackupAt,
    double? AgeSeconds,
    long? SizeBytes,
    string? Schedule,
    DateTimeOffset? LastScheduledAt,
    bool? LastScheduledSucceeded,
    string? LastError,
    DateTimeOffset? NextScheduledAt);

/// <summary>
/// Reads the folder the AppHost backs up into (Backups:Directory, set in local mode only; a managed server's backups
/// are the provider's, so there is nothing to show). The AppHost writes each backup's manifest.json last and
/// schedule.json by renaming, so nothing read here is half-written.
/// </summary>
public sealed class BackupStatusProbe(IConfiguration configuration, TimeProvider clock)
{
    private readonly string? _folder = configuration["Backups:Directory"] is { Length: > 0 } folder ? folder : null;

    public BackupStatus? Get()
    {
        if (_folder is null)
        {
            return null;
        }

        var now = clock.GetUtcNow();
        var latest = Directory.Exists(_folder)
            ? Directory.GetDirectories(_folder).Where(dir => File.Exists(Path.Combine(dir, "manifest.json"))).Order(StringComparer.Ordinal).LastOrDefault()
            : null;
        DateTimeOffset? at = null;
        long? size = null;
        if (latest is not null && TryRead(Path.Combine(latest, "manifest.json")) is { } manifest)
        {
            at = manifest.GetProperty("completedAt").GetDateTimeOffset();
            size = manifest.GetProperty("totalBytes").GetInt64();
        }

        var age = at is null ? (double?)null : Math.Round((now - at.Value).TotalSeconds, 1);
        var schedule = TryRead(Path.Combine(_folder, "schedule.json"));
        string? Text(string name) => schedule?.TryGetProperty(name, out var v) == true && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        bool? succeeded = schedule?.TryGetProperty("lastSucceeded", out var s) == true && s.ValueKind is JsonValueKind.True or JsonValueKind.False
            ? s.GetBoolean()
            : null;
        var interval = schedule?.TryGetProperty("intervalSeconds", out var i) == true ? i.GetDouble() : 0;
        DateTimeOffset? When(string name) => Text(name) is { } value ? DateTimeOffset.Parse(value, System.Globalization.CultureInfo.InvariantCulture) : null;

        var tooOld = schedule is not null && interval > 0 && age > 2 * interval;
        var degraded = succeeded == false || tooOld;
        return new BackupStatus(degraded ? "degraded" : "healthy", at, age, size, Text("schedule"), When("lastAttemptAt"), succeeded,
            Text("lastError") ?? (tooOld ? $"The newest backup is older than twice the schedule's interval ({interval} s)." : null),
            When("nextAt"));
    }

    private static JsonElement? TryRead(string path)
    {
        try
        {
            return File.Exists(path) ? JsonDocument.Parse(File.ReadAllText(path)).RootElement.Clone() : null;
        }
        catch (Exception ex) when (ex is IOException or JsonException or UnauthorizedAccessException)
        {
            return null; // removed by retention meanwhile, or unreadable: as if absent
        }
    }
}
