using System.Net;
using System.Net.Http.Json;

namespace AgentOrchestration.EndToEnd.Tests;

public sealed class RestartTests
{
    [Fact]
    public async Task AgentsSurviveAFullRestartOfTheAppHost()
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

            await using var second = await AppHostFixture.StartAsync(dataDir);
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
