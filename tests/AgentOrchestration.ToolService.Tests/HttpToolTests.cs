using System.Net;
using System.Net.Http.Json;
using AgentOrchestration.TestSupport;
using Npgsql;

namespace AgentOrchestration.ToolService.Tests;

[Collection(ToolServiceCollection.Name)]
public sealed class HttpToolTests(ToolServiceFixture fixture) : IAsyncLifetime
{
    private readonly TestHttpServer _server = new();

    public Task InitializeAsync() => _server.InitializeAsync();

    public Task DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task AnHttpToolIsCalledWithItsArgumentsAndSecretHeaders()
    {
        var name = await RegisterAsync("/weather", "POST", timeoutMs: 5000);
        var agent = await fixture.CreateAgentAsync(name);

        var result = await (await fixture.InvokeAsync(name, agent, new { city = "Oslo" })).ReadJsonAsync();

        Assert.False(result.GetProperty("isError").GetBoolean(), result.ToString());
        Assert.Equal("""{"city":"Oslo","tempC":7,"sawKey":true}""", result.GetProperty("output").GetRawText());
    }

    [Fact]
    public async Task GetToolsSendArgumentsAsTheQueryString()
    {
        var name = await RegisterAsync("/lookup", "GET", timeoutMs: 5000, schema: new { type = "object", properties = new { q = new { type = "string" } } });
        var agent = await fixture.CreateAgentAsync(name);

        var result = await (await fixture.InvokeAsync(name, agent, new { q = "a b&c" })).ReadJsonAsync();
        Assert.Equal("""{"q":"a b&c"}""", result.GetProperty("output").GetRawText());
    }

    [Fact]
    public async Task HeadersAreWriteOnlyAndEncryptedAtRest()
    {
        var name = await RegisterAsync("/weather", "POST", timeoutMs: 5000);

        var shown = await (await fixture.Tools.GetAsync($"/tools/{name}")).Content.ReadAsStringAsync();
        Assert.DoesNotContain("s3cret", shown);
        Assert.Contains("X-Key", shown);

        await using var connection = new NpgsqlConnection(fixture.Postgres.ConnectionString("toolsdb"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT protected_secrets FROM tools WHERE name = $1", connection);
        command.Parameters.AddWithValue(name);
        var stored = (string?)await command.ExecuteScalarAsync();
        Assert.False(string.IsNullOrEmpty(stored));
        Assert.DoesNotContain("s3cret", stored);
    }

    [Fact]
    public async Task A503TwiceThen200SucceedsOnTheThirdAttemptOfAnIdempotentTool()
    {
        var key = Guid.NewGuid().ToString("N");
        var name = await RegisterAsync($"/flaky/{key}", "POST", timeoutMs: 5000, idempotent: true);
        var agent = await fixture.CreateAgentAsync(name);

        var result = await (await fixture.InvokeAsync(name, agent, new { city = "x" })).ReadJsonAsync();

        Assert.False(result.GetProperty("isError").GetBoolean(), result.ToString());
        Assert.Equal(3, result.GetProperty("attempts").GetInt32());
        Assert.Equal(3, _server.CallsTo(key));
    }

    [Fact]
    public async Task AHangingToolTimesOutAsAToolError()
    {
        var key = Guid.NewGuid().ToString("N");
        var name = await RegisterAsync($"/hang/{key}", "POST", timeoutMs: 200);
        var agent = await fixture.CreateAgentAsync(name);

        var result = await (await fixture.InvokeAsync(name, agent, new { city = "x" })).ReadJsonAsync();

        Assert.True(result.GetProperty("isError").GetBoolean());
        Assert.Contains("200 ms", result.GetProperty("error").GetString());
    }

    [Fact]
    public async Task AClientErrorOfTheToolIsNotRetried()
    {
        var name = await RegisterAsync("/reject", "POST", timeoutMs: 5000);
        var agent = await fixture.CreateAgentAsync(name);

        var result = await (await fixture.InvokeAsync(name, agent, new { city = "x" })).ReadJsonAsync();

        Assert.True(result.GetProperty("isError").GetBoolean());
        Assert.Equal(1, result.GetProperty("attempts").GetInt32());
        Assert.Contains("400", result.GetProperty("error").GetString());
    }

    [Theory]
    [InlineData("""{"name":"x.y","kind":"builtin","inputSchema":{"type":"object"},"http":{"url":"http://h/"}}""", "/kind")]
    [InlineData("""{"name":"x.y","kind":"http","http":{"url":"http://h/"}}""", "/inputSchema")]
    [InlineData("""{"name":"x.y","kind":"http","inputSchema":{"type":"object"},"http":{"url":"ftp://h/"}}""", "/http/url")]
    [InlineData("""{"name":"bad name","kind":"http","inputSchema":{"type":"object"},"http":{"url":"http://h/"}}""", "/name")]
    public async Task InvalidRegistrationsAre400NamingTheField(string body, string pointer)
    {
        var response = await fixture.Tools.PostAsync("/tools", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        var problem = await response.AssertProblemAsync(400, "validation_failed");
        Assert.True(problem.GetProperty("errors").TryGetProperty(pointer, out _), problem.ToString());
    }

    [Fact]
    public async Task DuplicateToolNameIs409AndBuiltinsCannotBeDeleted()
    {
        var name = await RegisterAsync("/weather", "POST", timeoutMs: 5000);
        var again = await fixture.Tools.PostAsJsonAsync("/tools", Registration(name, "/weather", "POST", 5000, null));
        await again.AssertProblemAsync(409, "tool_name_taken");

        await (await fixture.Tools.DeleteAsync("/tools/echo")).AssertProblemAsync(409, "tool_not_deletable");
        Assert.Equal(HttpStatusCode.NoContent, (await fixture.Tools.DeleteAsync($"/tools/{name}")).StatusCode);
    }

    private async Task<string> RegisterAsync(string path, string method, int timeoutMs, object? schema = null, bool? idempotent = null)
    {
        var name = $"test.http{Guid.NewGuid():N}"[..24];
        var response = await fixture.Tools.PostAsJsonAsync("/tools", Registration(name, path, method, timeoutMs, schema, idempotent));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return name;
    }

    private object Registration(string name, string path, string method, int timeoutMs, object? schema, bool? idempotent = null) => new
    {
        name,
        description = "A test tool",
        kind = "http",
        inputSchema = schema ?? new { type = "object", properties = new { city = new { type = "string" } }, required = new[] { "city" } },
        http = new { url = _server.BaseUrl + path, method, idempotent, headers = new Dictionary<string, string> { ["X-Key"] = "s3cret" } },
        timeoutMs,
    };
}
