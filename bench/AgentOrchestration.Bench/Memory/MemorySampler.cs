using System.Globalization;

namespace AgentOrchestration.Bench.Memory;

/// <summary>Peak memory of one service process: the most RSS we saw, and the kernel's own high-water mark.</summary>
public sealed record ProcessMemory(string Service, int Pid, double MaxRssMb, double HwmMb);

/// <summary>
/// Samples the resident memory of every service process during the run. DCP starts the services, so we find them in
/// /proc by their command line (AgentOrchestration.&lt;Service&gt; executable or dll, not the `dotnet run` wrapper)
/// and read VmRSS (sampled) and VmHWM (the kernel's peak, exact) from /proc/&lt;pid&gt;/status. Linux only; elsewhere
/// it reports nothing.
/// </summary>
public sealed class MemorySampler : IAsyncDisposable
{
    private static readonly string[] Services = ["ApiService", "TaskService", "AgentService", "ToolService", "LoggingService"];
    private readonly Dictionary<int, (string Service, double MaxRssMb, double HwmMb)> _seen = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public MemorySampler(TimeSpan interval) => _loop = Task.Run(() => LoopAsync(interval));

    private async Task LoopAsync(TimeSpan interval)
    {
        using var timer = new PeriodicTimer(interval);
        var tick = 0;
        try
        {
            do
            {
                // New processes appear only at start-up or a restart: rescanning /proc every 8th sample is enough.
                if (tick++ % 8 == 0)
                {
                    Discover();
                }

                Sample();
            }
            while (await timer.WaitForNextTickAsync(_stop.Token));
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>The peaks so far, per process, named like "api #1" in pid order.</summary>
    public IReadOnlyList<ProcessMemory> Peaks()
    {
        lock (_seen)
        {
            Sample();
            return _seen.OrderBy(p => p.Value.Service, StringComparer.Ordinal).ThenBy(p => p.Key)
                .GroupBy(p => p.Value.Service)
                .SelectMany(g => g.Select((p, i) => new ProcessMemory(
                    g.Count() > 1 ? $"{p.Value.Service} #{i + 1}" : p.Value.Service, p.Key, p.Value.MaxRssMb, p.Value.HwmMb)))
                .ToList();
        }
    }

    private void Discover()
    {
        if (!Directory.Exists("/proc"))
        {
            return;
        }

        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }

            lock (_seen)
            {
                if (_seen.ContainsKey(pid))
                {
                    continue;
                }
            }

            if (ServiceOf(Read(Path.Combine(dir, "cmdline"))) is { } service && StartedByThisProcess(pid))
            {
                lock (_seen)
                {
                    _seen[pid] = (service, 0, 0);
                }
            }
        }
    }

    /// <summary>"ApiService" for ".../AgentOrchestration.ApiService" or "dotnet .../AgentOrchestration.ApiService.dll", else null.</summary>
    public static string? ServiceOf(string? cmdline)
    {
        if (string.IsNullOrEmpty(cmdline))
        {
            return null;
        }

        var args = cmdline.Split('\0', StringSplitOptions.RemoveEmptyEntries);
        if (args.Contains("run") || args.Contains("build"))
        {
            return null; // the `dotnet run` wrapper, not the service
        }

        foreach (var service in Services)
        {
            var name = $"AgentOrchestration.{service}";
            if (args.Take(2).Any(a => a.EndsWith("/" + name, StringComparison.Ordinal) || a == name
                || a.EndsWith(name + ".dll", StringComparison.Ordinal)))
            {
                return service;
            }
        }

        return null;
    }

    /// <summary>
    /// Other sessions may run the same services on this machine. Ours descend from our DCP: service ← `dotnet run` ←
    /// dcp run-controllers ← dcp start-apiserver, which is re-parented to init but started with --monitor &lt;our pid&gt;.
    /// </summary>
    private static bool StartedByThisProcess(int pid)
    {
        var me = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        for (var (current, depth) = (pid, 0); current > 1 && depth < 10; depth++)
        {
            if (current == Environment.ProcessId)
            {
                return true;
            }

            var args = Read($"/proc/{current}/cmdline")?.Split('\0') ?? [];
            var monitor = Array.IndexOf(args, "--monitor");
            if (monitor >= 0 && monitor + 1 < args.Length && args[monitor + 1] == me)
            {
                return true;
            }

            // Field 4 of /proc/<pid>/stat is the parent; the command name before it may contain spaces, so parse after ')'.
            var stat = Read($"/proc/{current}/stat");
            if (stat is null || !int.TryParse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], out current))
            {
                return false;
            }
        }

        return false;
    }

    private void Sample()
    {
        lock (_seen)
        {
            foreach (var pid in _seen.Keys.ToList())
            {
                var status = Read($"/proc/{pid}/status");
                if (status is null)
                {
                    continue; // exited; keep its peak
                }

                var (service, maxRss, hwm) = _seen[pid];
                _seen[pid] = (service, Math.Max(maxRss, Kilobytes(status, "VmRSS:") / 1024.0),
                    Math.Max(hwm, Kilobytes(status, "VmHWM:") / 1024.0));
            }
        }
    }

    private static double Kilobytes(string status, string field)
    {
        foreach (var line in status.Split('\n'))
        {
            if (line.StartsWith(field, StringComparison.Ordinal))
            {
                var number = line[field.Length..].Trim().Split(' ')[0];
                return double.Parse(number, CultureInfo.InvariantCulture);
            }
        }

        return 0;
    }

    private static string? Read(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }
}
