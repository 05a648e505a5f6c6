using System.Diagnostics;
using Microsoft.Extensions.Configuration;

namespace Aspire.Hosting;

/// <summary>Where local-mode Postgres and Redis keep their data: Infrastructure:DataDir, else .data/ in the repo.</summary>
internal static class LocalDataDirectory
{
    public static string Resolve(IDistributedApplicationBuilder builder)
    {
        var configured = builder.Configuration["Infrastructure:DataDir"];
        var dataDir = Path.GetFullPath(string.IsNullOrWhiteSpace(configured)
            ? Path.Combine(builder.AppHostDirectory, "..", ".data")
            : configured);

        // As root, postgres runs as the postgres user, which must be able to reach the folder. A checkout under
        // /root is closed to it, so fall back to a per-checkout folder under /var/lib.
        if (Environment.UserName == "root" && builder.ExecutionContext.IsRunMode && !PostgresUserCanReach(dataDir))
        {
            var key = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(
                System.Text.Encoding.UTF8.GetBytes(dataDir)))[..12].ToLowerInvariant();
            dataDir = Path.Combine("/var/lib/agent-orchestration", key);
        }

        return dataDir;
    }

    private static bool PostgresUserCanReach(string dataDir)
    {
        // The nearest existing ancestor must be traversable by the postgres user.
        var existing = dataDir;
        while (!Directory.Exists(existing) && Path.GetDirectoryName(existing) is { } parent)
        {
            existing = parent;
        }

        var start = new ProcessStartInfo("setpriv") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in new[] { "--reuid", "postgres", "--regid", "postgres", "--init-groups", "test", "-x", existing })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start);
        process?.WaitForExit();
        return process?.ExitCode == 0;
    }
}
