using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AgentOrchestration.TestSupport;

namespace AgentOrchestration.EndToEnd.Tests.Adversarial;

/// <summary>
/// A tool's input schema is data from whoever registered it (or from an MCP server), and a catastrophic pattern
/// such as ^(a+)+$ against 34 a's and a '!' backtracks for minutes. Either the schema is refused when registered, or
/// the evaluation runs out of time and the call answers fast with a problem; the system stays responsive.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class RedosSchemaTests(AppHostFixture fixture) : IAsyncLifetime
{
    /// <summary>Enough to backtrack far beyond the bound, small enough that an unfixed server's stuck regex ends within minutes.</summary>
    private static readonly string Hostile = new string('a', 34) + "!";

    private static readonly TimeSpan Fast = TimeSpan.FromSeconds(10);

    private readonly TestHttpServer _server = new();
    private readonly GatewayClient _gateway = new(fixture.App);

    public static TheoryData<string> Schemas => new()
    {
        """{"type":"object","properties":{"city":{"type":"string","pattern":"^(a+)+$"}}}""",
        """{"type":"object","patternProperties":{"^(a+)+$":{"type":"string"}}}""",
    };

    public Task InitializeAsync() => _server.InitializeAsync();

    public async Task DisposeAsync()
    {
        _gateway.Dispose();
        await _server.DisposeAsync();
    }

    [Theory]
    [MemberData(nameof(Schemas))]
    public async Task InvokingAToolWithACatastrophicPatternAnswersFastWithAProblem(string schema)
    {
        var tool = await RegisterAsync(schema);
        if (tool is null)
        {
            return; // refused at registration: the other acceptable answer
        }

        var agent = await fixture.Api.RegisterAgentAsync(tool);
        // The hostile key is weighed against the pattern (and matches nothing); "aaaa" matches and is no string: a 422.
        var arguments = schema.Contains("\"city\"", StringComparison.Ordinal)
            ? new JsonObject { ["city"] = Hostile }
            : new JsonObject { [Hostile] = "x", ["aaaa"] = 1 };

        var answer = await _gateway.SendAsync("POST", $"/tools/{tool}/invoke", AppHostFixture.AdminApiKey,
            Body(new JsonObject { ["agent"] = agent, ["arguments"] = arguments }), timeout: Fast);

        Assert.True(answer.Status is >= 400 and < 500 && Invariants.Check(answer) is null, $"invoke with {schema}: {answer}");
        await AssertResponsiveAsync();
    }

    [Fact]
    public async Task ATaskStepWithACatastrophicPatternFailsFast()
    {
        var schema = """{"type":"object","properties":{"city":{"type":"string","pattern":"^(a+)+$"}}}""";
        var tool = await RegisterAsync(schema);
        if (tool is null)
        {
            return;
        }

        var agent = await fixture.Api.RegisterAgentAsync(tool);

        var answer = await _gateway.SendAsync("POST", "/execute-task", AppHostFixture.AdminApiKey,
            Body(new JsonObject { ["agent"] = agent, ["tool"] = tool, ["arguments"] = new JsonObject { ["city"] = Hostile } }),
            [("Prefer", "wait=8")], timeout: Fast);

        Assert.Null(Invariants.Check(answer));
        if (answer.Status == 200)
        {
            var task = JsonDocument.Parse(answer.Body).RootElement;
            Assert.True(task.GetProperty("status").GetString() == "failed", $"the task: {answer}");
        }
        else
        {
            Assert.True(answer.Status is >= 400 and < 500, $"the task did not finish within its wait: {answer}");
        }

        await AssertResponsiveAsync();
    }

    /// <summary>Registers an HTTP tool with the schema; null when the registration is refused with a problem (and nothing stored).</summary>
    private async Task<string?> RegisterAsync(string schema)
    {
        var name = Json.UniqueName("adv-redos");
        var answer = await _gateway.SendAsync("POST", "/tools", AppHostFixture.AdminApiKey, Body(new JsonObject
        {
            ["name"] = name,
            ["description"] = "a catastrophic pattern",
            ["kind"] = "http",
            ["inputSchema"] = JsonNode.Parse(schema),
            ["http"] = new JsonObject { ["url"] = _server.BaseUrl + AdversarialSystem.Weather, ["method"] = "POST" },
        }), timeout: Fast);
        if (answer.Status == 201)
        {
            return name;
        }

        Assert.True(answer.Status is 400 or 422 && Invariants.Check(answer) is null, $"registering {schema}: {answer}");
        Assert.Equal(404, (await _gateway.SendAsync("GET", $"/tools/{name}", AppHostFixture.AdminApiKey)).Status);
        return null;
    }

    private async Task AssertResponsiveAsync()
    {
        var status = await _gateway.SendAsync("GET", "/tools/echo", AppHostFixture.AdminApiKey, timeout: TimeSpan.FromSeconds(5));
        Assert.True(status.Status == 200, $"the ToolService after the hostile call: {status}");
    }

    private static byte[] Body(JsonNode body) => Encoding.UTF8.GetBytes(body.ToJsonString());
}
