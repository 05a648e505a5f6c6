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
                var created = await api.PostAsJsonAsync("/register-agent", new { name, tools = new[] { "echo" } });
                Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            }

            // What a quick stop-and-start can meet: the last postmaster still shutting down. A process of this test
            // stands in for it in postmaster.pid; a Postgres started meanwhile would refuse the folder and exit. It
            // runs as Postgres's user, as the real one does: Postgres takes a PID it may not signal for a stale file.
            using var lastPostmaster = Process.Start(Environment.UserName == "root"
                ? new ProcessStartInfo("setpriv", ["--reuid", "postgres", "--regid", "postgres", "--init-groups", "sleep", "300"])
                : new ProcessStartInfo("sleep", "300"))!;
            var pidFile = Path.Combine(dataDir, "postgres", "postmaster.pid");
            await File.WriteAllTextAsync(pidFile, $"{lastPostmaster.Id}\n{Path.Combine(dataDir, "postgres")}\n");
            var starting = AppHostFixture.StartAsync(dataDir);
            await Task.Delay(TimeSpan.FromSeconds(5));
            Assert.False(starting.IsCompleted, "the system started while its data folder was held");
            lastPostmaster.Kill();
            await lastPostmaster.WaitForExitAsync();

            await using var second = await starting;
            var restarted = AppHostFixture.CreateApiClient(second);
            var agent = await restarted.GetAsync($"/agents/{name}");
            Assert.Equal(HttpStatusCode.OK, agent.StatusCode);
            Assert.Equal(["echo"], (await agent.ReadJsonAsync()).GetProperty("tools").EnumerateArray().Select(t => t.GetString()));
        }
        finally
        {
            AppHostFixture.TryDelete(dataDir);
        }
    }
}
