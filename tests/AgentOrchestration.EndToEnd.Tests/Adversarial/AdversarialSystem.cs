using System.Text.Json;
using AgentOrchestration.TestSupport;

namespace AgentOrchestration.EndToEnd.Tests.Adversarial;

/// <summary>
/// The shared system (one AppHost per collection) seen by the adversarial tests: a plain gateway client, the tests'
/// loopback tool server, and a <see cref="FuzzWorld"/> of callers and things made for the fuzz.
/// </summary>
public sealed class AdversarialSystem(AppHostFixture fixture) : IAsyncLifetime
{
    public const string Weather = "/weather";

    public TestHttpServer ToolServer { get; } = new();

    public GatewayClient Gateway { get; private set; } = null!;

    public FuzzWorld World { get; private set; } = null!;

    /// <summary>The fixture's admin client (it retries): for setting things up, never for the requests under test.</summary>
    public HttpClient Admin => fixture.Api;

    public async Task InitializeAsync()
    {
        await ToolServer.InitializeAsync();
        Gateway = new GatewayClient(fixture.App);
        var httpTool = await Admin.RegisterHttpToolAsync(ToolServer.BaseUrl + Weather, "adv-http");
        string[] tools = [.. FuzzWorld.QuickBuiltins, httpTool];
        var agents = new List<Caller>();
        var viewers = new List<Caller>();
        // Several keys per role: each non-admin key has its own small rate limit in the test system.
        for (var i = 0; i < 3; i++)
        {
            var agent = await Admin.RegisterAgentWithKeyAsync(tools);
            agents.Add(new Caller("agent", agent.ApiKey, agent.Name));
            viewers.Add(new Caller("viewer", await Admin.CreateViewerKeyAsync()));
        }

        var finished = await Admin.ExecuteAsync($$$"""{"agent":"{{{agents[0].AgentName}}}","tool":"echo","arguments":{"text":"hi"}}""");
        var task = await finished.ReadJsonAsync();
        World = new FuzzWorld(
            Admins: [new Caller("admin", AppHostFixture.AdminApiKey)],
            Viewers: viewers,
            Agents: agents,
            Tools: tools,
            HttpToolUrl: ToolServer.BaseUrl + Weather,
            PatchableAgent: await Admin.RegisterAgentAsync("echo"),
            PatchableTool: await Admin.RegisterHttpToolAsync(ToolServer.BaseUrl + Weather, "adv-patch"),
            FinishedTask: task.GetProperty("id").GetGuid());
    }

    public async Task DisposeAsync()
    {
        Gateway?.Dispose();
        await ToolServer.DisposeAsync();
    }

    /// <summary>
    /// How many agents, tools and tool sources exist (from GET /status and GET /tool-sources, as admin). /status leaves
    /// out the counts of a service whose probe missed its 800 ms deadline (two loaded cores can), so it is asked again.
    /// </summary>
    public async Task<(int Agents, int Tools, int Sources)> CountsAsync()
    {
        for (var attempt = 1; ; attempt++)
        {
            var status = await Gateway.SendAsync("GET", "/status", AppHostFixture.AdminApiKey);
            var sources = await Gateway.SendAsync("GET", "/tool-sources", AppHostFixture.AdminApiKey);
            Assert.True(status.Status == 200 && sources.Status == 200, $"{status} / {sources}");
            var counts = JsonDocument.Parse(status.Body).RootElement.GetProperty("counts");
            if (counts.TryGetProperty("agents", out var agents) && counts.TryGetProperty("tools", out var tools))
            {
                // "indexed" (tools in the vector index) moves by itself as embeddings land: not a count a request leaves behind.
                static int Sum(JsonElement e) => e.EnumerateObject().Where(p => p.Name != "indexed").Sum(p => p.Value.GetInt32());
                return (Sum(agents), Sum(tools), JsonDocument.Parse(sources.Body).RootElement.GetArrayLength());
            }

            Assert.True(attempt < 10, $"GET /status never had both counts: {Answer.Excerpt(status.Body, 600)}");
            await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt));
        }
    }
}
