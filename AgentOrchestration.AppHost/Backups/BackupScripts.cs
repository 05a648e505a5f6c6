using System.Diagnostics;

namespace Aspire.Hosting.Backups;

/// <summary>The result of one run of scripts/backup.sh or scripts/restore.sh: its exit code and what it printed.</summary>
internal sealed record ScriptResult(int ExitCode, string Output, string Error)
{
    public bool Succeeded => ExitCode == 0;

    /// <summary>restore.sh's exit code for a backup it will not restore (damaged, or from a newer schema).</summary>
    public bool Refused => ExitCode == 3;

    public string Message => (Succeeded ? Output : $"{Error}\n{Output}").Trim();
}

/// <summary>
/// Runs the backup scripts on this AppHost's own data folder. The scripts are the one implementation of backing up and
/// restoring the databases, whether a person runs them or the dashboard's commands do.
/// </summary>
internal sealed class BackupScripts(string repoRoot, string dataDir, string postgresBinDir)
{
    /// <summary>A backup or restore of a big system takes minutes; past this bound something is wrong.</summary>
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(15);

    public string DataDir => dataDir;

    public string BackupsRoot => Path.Combine(dataDir, "backups");

    public Task<ScriptResult> BackUpAsync(int? keep, CancellationToken cancellationToken) =>
        RunAsync("backup.sh", [], cancellationToken, keep is > 0 ? ("BACKUP_KEEP", keep.Value.ToString()) : null);

    public Task<ScriptResult> CheckRestoreAsync(string backup, CancellationToken cancellationToken) =>
        RunAsync("restore.sh", ["--check", backup], cancellationToken);

    public Task<ScriptResult> ApplyRestoreAsync(string backup, CancellationToken cancellationToken) =>
        RunAsync("restore.sh", ["--apply", backup], cancellationToken);

    /// <summary>The newest complete backup of the default folder (one with a manifest), if any.</summary>
    public string? LatestBackup() => Directory.Exists(BackupsRoot)
        ? Directory.GetDirectories(BackupsRoot)
            .Where(dir => File.Exists(Path.Combine(dir, "manifest.json")))
            .OrderDescending(StringComparer.Ordinal)
            .FirstOrDefault()
        : null;

    private async Task<ScriptResult> RunAsync(
        string script, string[] args, CancellationToken cancellationToken, (string Name, string Value)? extra = null)
    {
        var start = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = repoRoot,
        };
        start.ArgumentList.Add(Path.Combine(repoRoot, "scripts", script));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        // The folder this AppHost resolved, so the script acts on this system and no other.
        start.Environment["Infrastructure__DataDir"] = dataDir;
        start.Environment["Infrastructure__PostgresBinDir"] = postgresBinDir;
        if (extra is { } variable)
        {
            start.Environment[variable.Name] = variable.Value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {script}.");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(Timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            return new ScriptResult(-1, "", $"{script} did not finish within {Timeout.TotalMinutes} minutes and was stopped.");
        }

        return new ScriptResult(process.ExitCode, await output, await error);
    }
}
