using System.Diagnostics;
using System.Text.Json;

namespace AgentOrchestration.EndToEnd.Tests.Backups;

/// <summary>Runs scripts/backup.sh and scripts/restore.sh the way a person would, on one system's data folder.</summary>
internal static class BackupScriptRunner
{
    public sealed record Run(int ExitCode, string Output, string Error)
    {
        public override string ToString() => $"exit {ExitCode}\nstdout: {Output}\nstderr: {Error}";
    }

    public static string RepoRoot { get; } =
        Path.GetFullPath(Path.Combine(Projects.AgentOrchestration_AppHost.ProjectPath, ".."));

    public static async Task<Run> RunAsync(string script, string dataDir, params string[] args)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(RepoRoot, "scripts", script));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["Infrastructure__DataDir"] = dataDir;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(8));
        await process.WaitForExitAsync(timeout.Token);
        return new Run(process.ExitCode, (await output).Trim(), (await error).Trim());
    }

    /// <summary>Backs up and returns the backup's folder and its manifest.</summary>
    public static async Task<(string Folder, JsonElement Manifest)> BackUpAsync(string dataDir, params string[] args)
    {
        var run = await RunAsync("backup.sh", dataDir, args);
        Assert.True(run.ExitCode == 0, $"backup.sh failed: {run}");
        var folder = run.Output.Split('\n')[^1];
        return (folder, ReadManifest(folder));
    }

    public static JsonElement ReadManifest(string folder) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "manifest.json"))).RootElement.Clone();
}
