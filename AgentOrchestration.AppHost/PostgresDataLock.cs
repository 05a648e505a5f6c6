using System.Diagnostics;

namespace Aspire.Hosting;

/// <summary>
/// A Postgres data folder belongs to one postmaster at a time (its PID is in postmaster.pid). Right after an AppHost
/// stops, DCP may still be shutting the last one down; a postmaster started then refuses the folder and exits, and
/// every service waiting for Postgres waits forever. So a start waits, bounded, for the previous one to let go.
/// </summary>
internal static class PostgresDataLock
{
    public static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(90);

    public static async Task WaitUntilFreeAsync(string pgData, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var waited = Stopwatch.StartNew();
        while (HolderPid(pgData) is { } pid)
        {
            if (waited.Elapsed > timeout)
            {
                throw new InvalidOperationException(
                    $"Process {pid} still holds the Postgres data folder {pgData} (postmaster.pid) after {timeout.TotalSeconds:0} s. " +
                    "Is another AppHost running on this data folder? Stop it, or, if no Postgres runs there, delete postmaster.pid.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
        }
    }

    /// <summary>The live process named in postmaster.pid; null when there is no file or its process is gone (a crash).</summary>
    private static int? HolderPid(string pgData)
    {
        string? first;
        try
        {
            first = File.ReadLines(Path.Combine(pgData, "postmaster.pid")).FirstOrDefault();
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }

        if (!int.TryParse(first?.Trim(), out var pid) || pid <= 0)
        {
            return null;
        }

        try
        {
            using var process = Process.GetProcessById(pid);
            return process.HasExited ? null : pid;
        }
        catch (ArgumentException)
        {
            return null; // not running
        }
    }
}
