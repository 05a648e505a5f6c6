using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;

namespace AgentOrchestration.EndToEnd.Tests;

public sealed class RestartTests
{
    [Fact]
    public async Task AgentsSurviveARestartMadeWhileTheLastPostgresStillHoldsItsDataFolder()
    {
        var dataDir = Path.Combine(Path.GetTempPath(), $"ao-restart-{Guid.NewGuid():N}");
        var name = Json.UniqueName("survivor");
        try
        {
            await using (var first = await AppHostFixture.StartAsync(dataDir))
            {
                var api = AppHostFixture.CreateApiClient(first);
                var created = await api.RegisterAsync(name, "echo");
                Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            }

            // What a quick stop-and-start can meet: the last postmaster still shutting down. A process of this test
            // stands in for it in postmaster.pid; a Postgres started meanwhile would refuse the folder and exit (this
            // test then fails by the start's timeout). It runs as Postgres's user, as the real one does: Postgres
            // takes a PID it may not signal for a stale file, and so does the AppHost.
            using var lastPostmaster = Process.Start(Environment.UserName == "root"
                ? new ProcessStartInfo("setpriv", ["--reuid", "postgres", "--regid", "postgres", "--init-groups", "sleep", "300"])
                : new ProcessStartInfo("sleep", "300"))!;
            Task<DistributedApplication>? starting = null;
            var startedAndOwned = false;
            try
            {
                var pidFile = Path.Combine(dataDir, "postgres", "postmaster.pid");
                await File.WriteAllTextAsync(pidFile, $"{lastPostmaster.Id}\n{Path.Combine(dataDir, "postgres")}\n");
                starting = AppHostFixture.StartAsync(dataDir);
                await Task.Delay(TimeSpan.FromSeconds(5)); // Postgres is among the first resources started
                lastPostmaster.Kill();
                await lastPostmaster.WaitForExitAsync();

                await using var second = await starting;
                startedAndOwned = true; // disposed by the using above, whatever happens next
                var restarted = AppHostFixture.CreateApiClient(second);
                var agent = await restarted.GetAsync($"/agents/{name}");
                Assert.Equal(HttpStatusCode.OK, agent.StatusCode);
                Assert.Equal(["echo"], (await agent.ReadJsonAsync()).GetProperty("tools").EnumerateArray().Select(t => t.GetString()));
            }
            finally
            {
                if (!lastPostmaster.HasExited)
                {
                    lastPostmaster.Kill();
                }

                // A start that something above left behind: wait for it and stop what it started.
                if (starting is not null && !startedAndOwned)
                {
                    try
                    {
                        await (await starting).DisposeAsync();
                    }
                    catch (Exception)
                    {
                        // Its own failure is already reported (or the assertion above is).
                    }
                }
            }
        }
        finally
        {
            AppHostFixture.TryDelete(dataDir);
        }
    }
}
