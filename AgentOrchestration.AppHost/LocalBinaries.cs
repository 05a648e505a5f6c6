using System.Diagnostics;
using Microsoft.Extensions.Configuration;

namespace Aspire.Hosting;

/// <summary>Finds the locally installed server binaries and prepares their data directories.</summary>
internal static class LocalBinaries
{
    public static string PostgresBinDirectory(IConfiguration configuration)
    {
        var configured = configuration["Infrastructure:PostgresBinDir"];
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return configured;
        }

        // Debian and Ubuntu keep the server outside PATH, one folder per major version; take the newest.
        var debian = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .Select(dir => Path.Combine(dir, "bin"))
                .Where(bin => File.Exists(Path.Combine(bin, "postgres")))
                .OrderByDescending(bin => int.TryParse(Path.GetFileName(Path.GetDirectoryName(bin)), out var v) ? v : 0)
                .FirstOrDefault()
            : null;
        if (debian is not null)
        {
            return debian;
        }

        var onPath = Find(configuration, "postgres");
        return Path.GetDirectoryName(onPath) ?? throw Missing("postgres", "apt-get install postgresql");
    }

    public static string Find(IConfiguration configuration, string name)
    {
        var path = (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);
        return path ?? throw Missing(name, name == "redis-server" ? "apt-get install redis-server" : $"install {name}");
    }

    /// <summary>
    /// Creates the cluster on first run. When the AppHost runs as root, initdb runs as the postgres user. TCP logins
    /// need a password (none is set yet: until the AppHost sets this run's over the socket, nobody logs in over TCP).
    /// </summary>
    public static void InitDbIfNeeded(string binDir, string pgData, string? runAsUser)
    {
        if (File.Exists(Path.Combine(pgData, "PG_VERSION")))
        {
            return;
        }

        Directory.CreateDirectory(pgData);
        var initdb = Path.Combine(binDir, "initdb");
        string[] initArgs = [initdb, "-D", pgData, "-U", "postgres", "--auth-host=scram-sha-256", "--auth-local=trust", "--encoding=UTF8", "--no-locale"];
        if (runAsUser is not null)
        {
            Run("chown", ["-R", $"{runAsUser}:{runAsUser}", pgData]);
            Run("chmod", ["700", pgData]);
            Run("setpriv", ["--reuid", runAsUser, "--regid", runAsUser, "--init-groups", .. initArgs]);
        }
        else
        {
            Run(initdb, initArgs[1..]);
        }
    }

    private static void Run(string command, string[] args)
    {
        var start = new ProcessStartInfo(command) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {command}.");
        var stderr = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"'{command} {string.Join(' ', args)}' failed: {stderr.Result}");
        }
    }

    private static InvalidOperationException Missing(string binary, string hint) =>
        new($"'{binary}' was not found and no container runtime is available. Install it ({hint}) " +
            "or start a container runtime and set Infrastructure:Mode=containers.");
}
