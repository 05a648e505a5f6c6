using System.Net;
using System.Net.Http.Json;

namespace AgentOrchestration.EndToEnd.Tests.Backups;

public sealed class OfflineRestoreTests
{
    /// <summary>With the AppHost stopped, restore.sh restores into the data folder itself; the next start serves the backup's data.</summary>
    [Fact]
    public async Task RestoreWhileTheAppHostIsStoppedTakesEffectOnTheNextStart()
    {
        var dataDir = Path.Combine(Path.GetTempPath(), $"ao-offline-{Guid.NewGuid():N}");
        var kept = Json.UniqueName("kept");
        var dropped = Json.UniqueName("dropped");
        try
        {
            string backup;
            await using (var first = await AppHostFixture.StartAsync(dataDir))
            {
                var api = AppHostFixture.CreateApiClient(first);
                Assert.Equal(HttpStatusCode.Created, (await api.RegisterAsync(kept, "echo")).StatusCode);
                (backup, _) = await BackupScriptRunner.BackUpAsync(dataDir);
                Assert.Equal(HttpStatusCode.Created, (await api.RegisterAsync(dropped, "echo")).StatusCode);
            }

            var restored = await BackupScriptRunner.RunAsync("restore.sh", dataDir, backup);
            Assert.True(restored.ExitCode == 0, $"the offline restore failed: {restored}");
            Assert.Contains("start the AppHost", restored.Output);

            await using var second = await AppHostFixture.StartAsync(dataDir);
            var again = AppHostFixture.CreateApiClient(second);
            Assert.Equal(HttpStatusCode.OK, (await again.GetAsync($"/agents/{kept}")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await again.GetAsync($"/agents/{dropped}")).StatusCode);
        }
        finally
        {
            AppHostFixture.TryDelete(dataDir);
        }
    }
}
