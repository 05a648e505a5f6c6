using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using AgentOrchestration.TestSupport;
using Npgsql;

namespace AgentOrchestration.ToolService.Tests;

/// <summary>What an HTTP tool's registration may say, and how its calls are (not) repeated.</summary>
[Collection(ToolServiceCollection.Name)]
public sealed class HostileInvocationTests(ToolServiceFixture fixture) : IAsyncLifetime
{
    private readonly MisbehavingHttpServer _server = new();
    private readonly MisbehavingHttpServer _elsewhere = new();

    public Task InitializeAsync() => Task.WhenAll(_server.InitializeAsync(), _elsewhere.InitializeAsync());

    public Task DisposeAsync() => Task.WhenAll(_server.DisposeAsync(), _elsewhere.DisposeAsync());

    [Fact]
    public async Task APostAnswering503IsCalledExactlyOnceAndIsNotRetryable()
    {
        var key = Key();
        var name = await RegisterAsync($"/unavailable/{key}", "POST");
        var agent = await fixture.CreateAgentAsync(name);

        var result = await (await fixture.InvokeAsync(name, agent, new { })).ReadJsonAsync();

        Assert.True(result.GetProperty("isError").GetBoolean());
        Assert.Equal(1, result.GetProperty("attempts").GetInt32());
        Assert.False(result.GetProperty("retryable").GetBoolean());
        Assert.Equal(1, _server.CallsTo(key));
    }

    [Fact]
    public async Task AGetAnswering503IsRetriedAndStaysRetryable()
    {
        var key = Key();
        var name = await RegisterAsync($"/unavailable/{key}", "GET");
        var agent = await fixture.CreateAgentAsync(name);

        var result = await (await fixture.InvokeAsync(name, agent, new { })).ReadJsonAsync();

        Assert.Equal(3, result.GetProperty("attempts").GetInt32());
        Assert.True(result.GetProperty("retryable").GetBoolean());
        Assert.Equal(3, _server.CallsTo(key));
    }

    [Fact]
    public async Task APostMarkedIdempotentIsRetried()
    {
        var key = Key();
        var name = await RegisterAsync($"/unavailable/{key}", "POST", idempotent: true);
        var agent = await fixture.CreateAgentAsync(name);

        var result = await (await fixture.InvokeAsync(name, agent, new { })).ReadJsonAsync();

        Assert.Equal(3, _server.CallsTo(key));
        Assert.True(result.GetProperty("retryable").GetBoolean());
        var shown = await (await fixture.Tools.GetAsync($"/tools/{name}")).ReadJsonAsync();
        Assert.True(shown.GetProperty("http").GetProperty("idempotent").GetBoolean());
    }

    [Fact]
    public async Task SingleAttemptMakesExactlyOneCallEvenOfAnIdempotentTool()
    {
        var key = Key();
        var name = await RegisterAsync($"/unavailable/{key}", "GET");
        var agent = await fixture.CreateAgentAsync(name);

        var response = await fixture.Tools.PostAsJsonAsync($"/tools/{name}/invoke", new { agent, arguments = new { }, singleAttempt = true });
        var result = await response.ReadJsonAsync();

        Assert.Equal(1, result.GetProperty("attempts").GetInt32());
        Assert.True(result.GetProperty("retryable").GetBoolean());
        Assert.Equal(1, _server.CallsTo(key));
    }

    [Fact]
    public async Task ATimeoutIsNotRetried()
    {
        var key = Key();
        var name = await RegisterAsync($"/hang/{key}", "GET", timeoutMs: 300);
        var agent = await fixture.CreateAgentAsync(name);

        var result = await (await fixture.InvokeAsync(name, agent, new { })).ReadJsonAsync();

        Assert.True(result.GetProperty("isError").GetBoolean());
        Assert.Equal(1, result.GetProperty("attempts").GetInt32());
        Assert.Equal(1, _server.CallsTo(key));
    }

    [Fact]
    public async Task ARefusedConnectionIsRetriedForAnyMethodAndSaysNothingOfResolvedAddresses()
    {
        var name = await RegisterAsync("/x", "POST", baseUrl: $"http://{ServerProcess.ToolHost}:{ServerProcess.FreeTcpPort()}");
        var agent = await fixture.CreateAgentAsync(name);

        var result = await (await fixture.InvokeAsync(name, agent, new { })).ReadJsonAsync();

        Assert.Equal(3, result.GetProperty("attempts").GetInt32());
        Assert.True(result.GetProperty("retryable").GetBoolean());
        Assert.Contains("refused", result.GetProperty("error").GetString());
    }

    [Fact]
    public async Task ABlockedHostNameIsNamedWithoutTheAddressesItResolvedTo()
    {
        var name = await RegisterAsync("/x", "GET", baseUrl: $"http://localhost:{ServerProcess.FreeTcpPort()}");
        var agent = await fixture.CreateAgentAsync(name);

        var result = await (await fixture.InvokeAsync(name, agent, new { })).ReadJsonAsync();

        Assert.Equal("ssrf_blocked", result.GetProperty("errorCode").GetString());
        Assert.False(result.GetProperty("retryable").GetBoolean());
        var error = result.GetProperty("error").GetString()!;
        Assert.Contains("'localhost'", error);
        Assert.DoesNotContain("127.0.0.1", error);
        Assert.DoesNotContain("::1", error);
    }

    [Fact]
    public async Task OutputWithANulByteFailsOnceAsUnstorable()
    {
        var key = Key();
        var name = await RegisterAsync($"/nul/{key}", "GET");
        var agent = await fixture.CreateAgentAsync(name);

        var result = await (await fixture.InvokeAsync(name, agent, new { })).ReadJsonAsync();

        Assert.True(result.GetProperty("isError").GetBoolean());
        Assert.Equal("unstorable_output", result.GetProperty("errorCode").GetString());
        Assert.False(result.GetProperty("retryable").GetBoolean());
        Assert.Contains("/text", result.GetProperty("error").GetString());
        Assert.Equal(1, _server.CallsTo(key));
    }

    [Fact]
    public async Task OutputWithALoneSurrogateFailsAsUnstorable()
    {
        var name = await RegisterAsync("/surrogate", "GET");
        var agent = await fixture.CreateAgentAsync(name);

        var result = await (await fixture.InvokeAsync(name, agent, new { })).ReadJsonAsync();

        Assert.True(result.TryGetProperty("errorCode", out var code) && code.GetString() == "unstorable_output", result.ToString());
        Assert.Contains("/items/1", result.GetProperty("error").GetString());
    }

    [Fact]
    public async Task SecretHeadersDoNotFollowARedirectToAnotherOrigin()
    {
        var to = Uri.EscapeDataString(_elsewhere.BaseUrl + "/headers");
        var name = await RegisterAsync($"/redirect?to={to}", "POST");
        var agent = await fixture.CreateAgentAsync(name);

        var result = await (await fixture.InvokeAsync(name, agent, new { })).ReadJsonAsync();

        Assert.False(result.GetProperty("isError").GetBoolean(), result.ToString());
        var seen = result.GetProperty("output");
        Assert.Equal("POST", seen.GetProperty("method").GetString());
        Assert.Equal("", seen.GetProperty("secret").GetString());
        Assert.Equal("", seen.GetProperty("authorization").GetString());
    }

    [Fact]
    public async Task SecretHeadersFollowARedirectWithinTheOrigin()
    {
        var to = Uri.EscapeDataString(_server.BaseUrl + "/headers");
        var name = await RegisterAsync($"/redirect?to={to}", "POST");
        var agent = await fixture.CreateAgentAsync(name);

        var result = await (await fixture.InvokeAsync(name, agent, new { })).ReadJsonAsync();

        Assert.Equal("s3cret", result.GetProperty("output").GetProperty("secret").GetString());
    }

    [Theory]
    [InlineData("X-Injected", "a\r\nX-Evil: 1")]
    [InlineData("X-Injected", "a\nX-Evil: 1")]
    [InlineData("X-Injected", "a\u0000b")]
    [InlineData("Host", "internal.example")]
    [InlineData("host", "internal.example")]
    [InlineData("Transfer-Encoding", "chunked")]
    [InlineData("Content-Length", "5")]
    [InlineData("Connection", "close")]
    [InlineData("Bad Name", "x")]
    [InlineData("X-Bad\r\nName", "x")]
    public async Task AnUnsafeHeaderIsRefusedAtRegistrationWithItsPointer(string header, string value)
    {
        var name = $"test.hdr{Guid.NewGuid():N}"[..24];
        var body = JsonSerializer.Serialize(new
        {
            name,
            kind = "http",
            inputSchema = new { type = "object" },
            http = new { url = _server.BaseUrl + "/headers", headers = new Dictionary<string, string> { [header] = value } },
        });

        var response = await fixture.Tools.PostAsync("/tools", new StringContent(body, Encoding.UTF8, "application/json"));

        var problem = await response.AssertProblemAsync(400, "validation_failed");
        Assert.True(problem.GetProperty("errors").TryGetProperty($"/http/headers/{header}", out _), problem.ToString());
        Assert.Equal(HttpStatusCode.NotFound, (await fixture.Tools.GetAsync($"/tools/{name}")).StatusCode);
    }

    [Fact]
    public async Task AnUnsafeHeaderIsRefusedOnUpdateToo()
    {
        var name = await RegisterAsync("/headers", "POST");
        var body = JsonSerializer.Serialize(new { http = new { url = _server.BaseUrl + "/headers", headers = new Dictionary<string, string> { ["X-A"] = "1\r\nX-B: 2" } } });

        var response = await fixture.Tools.PatchAsync($"/tools/{name}", new StringContent(body, Encoding.UTF8, "application/json"));

        var problem = await response.AssertProblemAsync(400, "validation_failed");
        Assert.True(problem.GetProperty("errors").TryGetProperty("/http/headers/X-A", out _), problem.ToString());
    }

    [Theory]
    [InlineData("sec.nl\n")]
    [InlineData("sec.nl\r\n")]
    [InlineData("sec.nl ")]
    public async Task ANameWithTrailingWhitespaceIsRefusedAndNothingIsSaved(string suffix)
    {
        var name = $"t{Guid.NewGuid():N}"[..12] + suffix;
        var response = await fixture.Tools.PostAsJsonAsync("/tools", new
        {
            name,
            kind = "http",
            inputSchema = new { type = "object" },
            http = new { url = _server.BaseUrl + "/headers" },
        });

        var problem = await response.AssertProblemAsync(400, "validation_failed");
        Assert.True(problem.GetProperty("errors").TryGetProperty("/name", out _), problem.ToString());
        await using var connection = new NpgsqlConnection(fixture.Postgres.ConnectionString("toolsdb"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM tools WHERE name LIKE $1", connection);
        command.Parameters.AddWithValue(name.TrimEnd() + "%");
        Assert.Equal(0L, (long)(await command.ExecuteScalarAsync())!);
    }

    [Theory]
    [InlineData("1000.0")]
    [InlineData("1e3")]
    [InlineData("1000")]
    public async Task AnIntegralTimeoutIsAcceptedHoweverItIsWritten(string timeout)
    {
        var name = $"test.num{Guid.NewGuid():N}"[..24];
        var body = $$"""{"name":"{{name}}","kind":"http","inputSchema":{"type":"object"},"http":{"url":"{{_server.BaseUrl}}/headers"},"timeoutMs":{{timeout}}}""";

        var response = await fixture.Tools.PostAsync("/tools", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        Assert.Equal(1000, (await response.ReadJsonAsync()).GetProperty("timeoutMs").GetInt32());
    }

    [Theory]
    [InlineData("1000.5")]
    [InlineData("1e12")]
    [InlineData("\"1000\"")]
    public async Task ATimeoutThatIsNoIntegerIs400(string timeout)
    {
        var body = $$"""{"name":"test.n{{Guid.NewGuid():N}}","kind":"http","inputSchema":{"type":"object"},"http":{"url":"{{_server.BaseUrl}}/headers"},"timeoutMs":{{timeout}}}""";

        var response = await fixture.Tools.PostAsync("/tools", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    private static string Key() => Guid.NewGuid().ToString("N");

    private async Task<string> RegisterAsync(string path, string method, bool? idempotent = null, int timeoutMs = 5000, string? baseUrl = null)
    {
        var name = $"test.inv{Guid.NewGuid():N}"[..24];
        var response = await fixture.Tools.PostAsJsonAsync("/tools", new
        {
            name,
            kind = "http",
            inputSchema = new { type = "object" },
            http = new
            {
                url = (baseUrl ?? _server.BaseUrl) + path,
                method,
                idempotent,
                headers = new Dictionary<string, string> { ["X-Secret"] = "s3cret", ["Authorization"] = "Bearer s3cret" },
            },
            timeoutMs,
        });
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return name;
    }
}
