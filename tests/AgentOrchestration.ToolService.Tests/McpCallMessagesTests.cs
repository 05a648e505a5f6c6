using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AgentOrchestration.TestSupport;

namespace AgentOrchestration.ToolService.Tests;

/// <summary>
/// What an MCP tool says during a call (log messages and progress) reaches that call's caller, in the order the server
/// sent it, before the result, and never the caller of another call running at the same time.
/// </summary>
[Collection(ToolServiceCollection.Name)]
public sealed class McpCallMessagesTests(ToolServiceFixture fixture) : IAsyncLifetime
{
    private readonly NarratingMcpServer _server = new();

    public Task InitializeAsync() => _server.InitializeAsync();

    public Task DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task LogMessagesOfACallAreStreamedInOrderBeforeTheResult()
    {
        var tool = await RegisterAsync();
        var agent = await fixture.CreateAgentAsync(tool);

        var lines = await fixture.InvokeStreamedAsync(tool, agent, new { tag = "solo", count = 4 });

        var logs = lines.Where(l => l.TryGetProperty("log", out var log) && log.ValueKind == JsonValueKind.Object).Select(l => l.GetProperty("log")).ToList();
        Assert.Equal(["solo line 1", "solo line 2", "solo line 3", "solo line 4"],
            logs.Select(l => l.GetProperty("data").GetProperty("message").GetString()));
        Assert.Equal(NarratingMcpServer.Levels, logs.Select(l => l.GetProperty("level").GetString()));
        Assert.All(logs, l => Assert.Equal("narrator", l.GetProperty("logger").GetString()));

        // Progress comes in the server's order too, interleaved with the logs, and all of it before the result.
        var progress = lines.Where(l => l.GetProperty("progress").ValueKind == JsonValueKind.Object)
            .Select(l => l.GetProperty("progress").GetProperty("progress").GetDouble());
        Assert.Equal([1.0, 2.0, 3.0, 4.0], progress);
        Assert.Equal(JsonValueKind.Object, lines[1].GetProperty("progress").ValueKind);
        var result = lines[^1].GetProperty("result");
        Assert.False(result.GetProperty("isError").GetBoolean(), result.ToString());
        Assert.Equal("solo", result.GetProperty("output").GetProperty("tag").GetString());
    }

    [Fact]
    public async Task ConcurrentCallsEachReceiveOnlyTheirOwnLogMessages()
    {
        var tool = await RegisterAsync();
        var agent = await fixture.CreateAgentAsync(tool);

        var tags = Enumerable.Range(1, 4).Select(i => $"call{i}").ToList();
        var calls = tags.Select(tag => fixture.InvokeStreamedAsync(tool, agent, new { tag, count = 5, delayMs = 40 })).ToList();
        var answers = await Task.WhenAll(calls);

        for (var c = 0; c < tags.Count; c++)
        {
            var messages = answers[c].Where(l => l.TryGetProperty("log", out var log) && log.ValueKind == JsonValueKind.Object)
                .Select(l => l.GetProperty("log").GetProperty("data").GetProperty("message").GetString()).ToList();
            Assert.Equal(Enumerable.Range(1, 5).Select(i => $"{tags[c]} line {i}"), messages);
        }

        // A later call on a reused session hears nothing left over from earlier ones.
        var again = await fixture.InvokeStreamedAsync(tool, agent, new { tag = "later", count = 1 });
        Assert.Equal(["later line 1"], again.Where(l => l.TryGetProperty("log", out var log) && log.ValueKind == JsonValueKind.Object)
            .Select(l => l.GetProperty("log").GetProperty("data").GetProperty("message").GetString()));
    }

    [Fact]
    public async Task AnUnstreamedCallStillAnswersWithTheResult()
    {
        var tool = await RegisterAsync();
        var agent = await fixture.CreateAgentAsync(tool);

        var result = await (await fixture.InvokeAsync(tool, agent, new { tag = "plain", count = 2 })).ReadJsonAsync();

        Assert.False(result.GetProperty("isError").GetBoolean(), result.ToString());
        Assert.Equal(2, result.GetProperty("output").GetProperty("count").GetInt32());
    }

    private async Task<string> RegisterAsync()
    {
        var source = $"narr{Guid.NewGuid():N}"[..12];
        var created = await fixture.Tools.PostAsJsonAsync("/tool-sources", new { name = source, url = _server.Url });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return $"{source}.{NarratingMcpServer.Tool}";
    }
}
