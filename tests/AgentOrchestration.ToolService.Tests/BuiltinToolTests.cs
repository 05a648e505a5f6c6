using System.Net;
using System.Text.Json;

namespace AgentOrchestration.ToolService.Tests;

[Collection(ToolServiceCollection.Name)]
public sealed class BuiltinToolTests(ToolServiceFixture fixture)
{
    private static readonly string[] Builtins =
        ["echo", "math.add", "math.multiply", "text.upper", "text.length", "json.pick", "time.now", "sleep", "fail"];

    [Fact]
    public async Task EveryBuiltinIsRegisteredAtStartUpWithAnInputSchema()
    {
        var page = await (await fixture.Tools.GetAsync("/tools?kind=builtin&limit=100")).ReadJsonAsync();
        var tools = page.GetProperty("items").EnumerateArray().ToDictionary(t => t.GetProperty("name").GetString()!);

        Assert.Equal(Builtins.Order(), tools.Keys.Order());
        Assert.All(tools.Values, t => Assert.Equal("object", t.GetProperty("inputSchema").GetProperty("type").GetString()));
    }

    [Theory]
    [InlineData("echo", """{"text":"hi"}""", """{"text":"hi"}""")]
    [InlineData("math.add", """{"a":2,"b":3}""", """{"result":5}""")]
    [InlineData("math.add", """{"a":0.5,"b":0.25}""", """{"result":0.75}""")]
    [InlineData("math.multiply", """{"a":5,"b":10}""", """{"result":50}""")]
    [InlineData("text.upper", """{"text":"Oslo"}""", """{"text":"OSLO"}""")]
    [InlineData("text.length", """{"text":"héllo"}""", """{"length":5}""")]
    [InlineData("json.pick", """{"value":{"items":[{"n":1},{"n":2}]},"pointer":"/items/1/n"}""", """{"result":2}""")]
    [InlineData("sleep", """{"ms":20}""", """{"sleptMs":20}""")]
    public async Task BuiltinReturnsItsDocumentedOutput(string tool, string arguments, string expected)
    {
        var agent = await fixture.CreateAgentAsync(tool);
        var response = await fixture.InvokeAsync(tool, agent, JsonDocument.Parse(arguments).RootElement);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var result = await response.ReadJsonAsync();
        Assert.False(result.GetProperty("isError").GetBoolean(), result.ToString());
        Assert.Equal(expected, result.GetProperty("output").GetRawText());
        Assert.Equal(1, result.GetProperty("attempts").GetInt32());
        Assert.True(result.GetProperty("durationMs").GetInt64() >= 0);
    }

    [Fact]
    public async Task TimeNowReturnsTheCurrentUtcTime()
    {
        var agent = await fixture.CreateAgentAsync("time.now");
        var result = await (await fixture.InvokeAsync("time.now", agent, new { })).ReadJsonAsync();

        var utc = DateTimeOffset.Parse(result.GetProperty("output").GetProperty("utc").GetString()!);
        Assert.InRange(utc, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(1));
    }

    [Fact]
    public async Task FailIsAToolErrorWithItsMessageNotAnApiError()
    {
        var agent = await fixture.CreateAgentAsync("fail");
        var response = await fixture.InvokeAsync("fail", agent, new { message = "boom" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var result = await response.ReadJsonAsync();
        Assert.True(result.GetProperty("isError").GetBoolean());
        Assert.Equal("boom", result.GetProperty("error").GetString());
        Assert.Equal(1, result.GetProperty("attempts").GetInt32());
    }

    [Fact]
    public async Task JsonPickOfAMissingPointerIsAToolError()
    {
        var agent = await fixture.CreateAgentAsync("json.pick");
        var result = await (await fixture.InvokeAsync("json.pick", agent, new { value = new { a = 1 }, pointer = "/b" })).ReadJsonAsync();
        Assert.True(result.GetProperty("isError").GetBoolean());
    }

    [Theory]
    [InlineData("math.add", """{"a":"two","b":3}""", "/arguments/a")]
    [InlineData("math.add", """{"a":2}""", "/arguments")]
    [InlineData("echo", """{"text":"x","extra":1}""", "/arguments/extra")]
    [InlineData("sleep", """{"ms":-5}""", "/arguments/ms")]
    public async Task ArgumentsAgainstTheSchemaAre422WithEachViolationsPointer(string tool, string arguments, string pointer)
    {
        var agent = await fixture.CreateAgentAsync(tool);
        var response = await fixture.InvokeAsync(tool, agent, JsonDocument.Parse(arguments).RootElement);

        var problem = await response.AssertProblemAsync(422, "invalid_arguments");
        Assert.True(problem.GetProperty("errors").TryGetProperty(pointer, out _), problem.ToString());
    }
}
