using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace AgentOrchestration.EndToEnd.Tests;

/// <summary>
/// Text the system cannot store or parse the same way twice, sent through the gateway to its own endpoints and to
/// the proxied ones: each is a 400 problem naming the place, never a 500 (these were 500s).
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class GatewayRequestGuardTests(AppHostFixture fixture)
{
    private HttpClient Api => fixture.Api;

    private Task<HttpResponseMessage> PostJsonAsync(string path, byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return Api.PostAsync(path, content);
    }

    private Task<HttpResponseMessage> PostJsonAsync(string path, string json) => PostJsonAsync(path, Encoding.UTF8.GetBytes(json));

    private static IEnumerable<string> ErrorKeys(JsonElement problem) => problem.GetProperty("errors").EnumerateObject().Select(p => p.Name);

    [Fact]
    public async Task DuplicateArgumentKeysOnInvokeAreMalformedJson()
    {
        var agent = await Api.RegisterAgentAsync("echo");
        var response = await PostJsonAsync("/tools/echo/invoke", $$$"""{"agent":"{{{agent}}}","arguments":{"text":"one","text":"two"}}""");
        var problem = await response.AssertProblemAsync(400, "malformed_json");
        Assert.Equal(["/arguments/text"], ErrorKeys(problem));
    }

    [Theory]
    [InlineData("\\ud800")]
    [InlineData("a\\u0000b")]
    public async Task AnUnstorableStringInATaskIsValidationFailedWithItsPointer(string text)
    {
        var agent = await Api.RegisterAgentAsync("echo");
        var response = await Api.ExecuteAsync($$$"""
            {"agent":"{{{agent}}}","steps":[{"id":"a","tool":"echo","arguments":{"text":"{{{text}}}"}}]}
            """);
        var problem = await response.AssertProblemAsync(400, "validation_failed");
        Assert.Equal(["/steps/0/arguments/text"], ErrorKeys(problem));
    }

    [Fact]
    public async Task InvalidUtf8InATaskIsMalformedJson()
    {
        var agent = await Api.RegisterAgentAsync("echo");
        byte[] body = [.. Encoding.UTF8.GetBytes($"{{\"agent\":\"{agent}\",\"steps\":[{{\"id\":\"a\",\"tool\":\"echo\",\"arguments\":{{\"text\":\""), 0xC3, 0x28,
            .. "\"}}]}"u8.ToArray()];
        var problem = await (await PostJsonAsync("/execute-task", body)).AssertProblemAsync(400, "malformed_json");
        Assert.Equal(["/steps/0/arguments/text"], ErrorKeys(problem));
    }

    [Fact]
    public async Task AnUnstorableToolRegistrationThroughTheProxyIsRefusedBeforeTheToolService()
    {
        var response = await PostJsonAsync("/tools", """{"name":"nul-tool","description":"a\u0000b","kind":"http"}""");
        var problem = await response.AssertProblemAsync(400, "validation_failed");
        Assert.Equal(["/description"], ErrorKeys(problem));
    }

    [Fact]
    public async Task AnMcpRequestWithAnUnstorableArgumentIsA400Problem()
    {
        var response = await PostJsonAsync("/mcp", """
            {"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","arguments":{"text":"\u0000"}}}
            """);
        var problem = await response.AssertProblemAsync(400, "validation_failed");
        Assert.Equal(["/params/arguments/text"], ErrorKeys(problem));
    }

    [Theory]
    [InlineData("/tools?q=a%00b", "q")]
    [InlineData("/tools?tag=%00", "tag")]
    [InlineData("/tools?agent=%00", "agent")]
    [InlineData("/tasks?agent=%00", "agent")]
    [InlineData("/agents?q=%00", "q")]
    [InlineData("/agents?tool=%00", "tool")]
    [InlineData("/agents?label=%00", "label")]
    [InlineData("/agents?cursor=%00", "cursor")]
    [InlineData("/tasks?cursor=%00", "cursor")]
    public async Task ANulInAQueryParameterIsValidationFailedNamingIt(string url, string parameter)
    {
        var problem = await (await Api.GetAsync(url)).AssertProblemAsync(400, "validation_failed");
        Assert.Equal([$"/query/{parameter}"], ErrorKeys(problem));
    }

    [Fact]
    public async Task ANulInATaskLogsStepFilterIsValidationFailed()
    {
        var agent = await Api.RegisterAgentAsync("echo");
        var task = await (await Api.ExecuteAsync($$$"""
            {"agent":"{{{agent}}}","steps":[{"id":"a","tool":"echo","arguments":{"text":"x"}}]}
            """)).ReadJsonAsync();
        var problem = await (await Api.GetAsync($"/tasks/{task.GetProperty("id").GetGuid()}/logs?step=a%00")).AssertProblemAsync(400, "validation_failed");
        Assert.Equal(["/query/step"], ErrorKeys(problem));
    }

    [Theory]
    [InlineData("/agents?cursor=AA")] // base64url of U+0000
    [InlineData("/agents?cursor=_w")] // not UTF-8
    [InlineData("/agents?cursor=!!")]
    [InlineData("/tasks?cursor=AA")]
    [InlineData("/tasks?cursor=!!")]
    public async Task AGarbageCursorIsValidationFailed(string url)
    {
        var problem = await (await Api.GetAsync(url)).AssertProblemAsync(400, "validation_failed");
        Assert.Equal(["/query/cursor"], ErrorKeys(problem));
    }

    [Theory]
    [InlineData("/tools/a%00b")]
    [InlineData("/agents/a%00b")]
    [InlineData("/tasks/a%00b/logs")]
    public async Task ANulInThePathIsABadRequest(string url)
    {
        var response = await Api.GetAsync(url);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }
}
