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

    /// <param name="serverUser">The OS user the server runs as; only a live process of that user can hold the folder.</param>
    public static async Task WaitUntilFreeAsync(string pgData, string? serverUser, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var waited = Stopwatch.StartNew();
        while (HolderPid(pgData, serverUser) is { } pid)
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

    /// <summary>
    /// The process named in postmaster.pid while it may still be that folder's postmaster: alive and run by the
    /// server's user. A file left by a crash names a PID that is gone or, after a reboot, reused by some other
    /// program (another user's, or this AppHost's own); Postgres takes such a file as stale, and so does this.
    /// </summary>
    private static int? HolderPid(string pgData, string? serverUser)
    {
        string? first;
        try
        {
            first = File.ReadLines(Path.Combine(pgData, "postmaster.pid")).FirstOrDefault();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null; // no file (or none this user may read): Postgres decides
        }

        if (!int.TryParse(first?.Trim(), out var pid) || pid <= 0 || pid == Environment.ProcessId)
        {
            return null;
        }

        try
        {
            using var process = Process.GetProcessById(pid);
            return process.HasExited || !RunsAs(pid, serverUser) ? null : pid;
        }
        catch (ArgumentException)
        {
            return null; // not running
        }
    }

    /// <summary>Whether the process's real user is <paramref name="user"/> (this process's own when null); true where /proc cannot tell.</summary>
    private static bool RunsAs(int pid, string? user)
    {
        var holder = UidOf($"/proc/{pid}/status");
        var expected = user is null ? UidOf("/proc/self/status") : UidOfUser(user);
        return holder is null || expected is null || holder == expected;
    }

    private static int? UidOf(string statusFile)
    {
        try
        {
            var line = File.ReadLines(statusFile).FirstOrDefault(l => l.StartsWith("Uid:", StringComparison.Ordinal));
            return line is null ? null : int.Parse(line.Split('\t', StringSplitOptions.RemoveEmptyEntries)[1]);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }

    private static int? UidOfUser(string user)
    {
        try
        {
            var entry = File.ReadLines("/etc/passwd").Select(l => l.Split(':')).FirstOrDefault(f => f.Length > 2 && f[0] == user);
            return entry is null ? null : int.Parse(entry[2]);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }
}
