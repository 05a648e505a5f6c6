using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using AgentOrchestration.TestSupport;
using Npgsql;

namespace AgentOrchestration.ToolService.Tests;

/// <summary>Schemas from users and MCP servers: checked when registered or synced, and never able to hang a call.</summary>
[Collection(ToolServiceCollection.Name)]
public sealed class HostileSchemaTests(ToolServiceFixture fixture) : IAsyncLifetime
{
    private readonly MisbehavingHttpServer _server = new();
    private readonly HostileMcpServer _mcp = new();

    public Task InitializeAsync() => Task.WhenAll(_server.InitializeAsync(), _mcp.InitializeAsync());

    public Task DisposeAsync() => Task.WhenAll(_server.DisposeAsync(), _mcp.DisposeAsync());

    [Fact]
    public async Task ACatastrophicPatternIsJudgedQuicklyAndLeavesNoCoreBurning()
    {
        // The first needs no backtracking (linear engine: an ordinary mismatch); the backreference needs it (timeout).
        var name = await RegisterAsync(new { type = "object", properties = new { s = new { type = "string", pattern = "^(a+)+$" } } });
        var agent = await fixture.CreateAgentAsync(name);
        var backtracking = await RegisterAsync(new { type = "object", properties = new { s = new { type = "string", pattern = "^(a+)+\\1$" } } });
        var backtrackingAgent = await fixture.CreateAgentAsync(backtracking);
        var evil = new string('a', 40) + "!";

        for (var call = 0; call < 2; call++)
        {
            var watch = Stopwatch.StartNew();
            var mismatch = await (await fixture.InvokeAsync(name, agent, new { s = evil })).AssertProblemAsync(422, "invalid_arguments");
            var slow = await (await fixture.InvokeAsync(backtracking, backtrackingAgent, new { s = evil })).AssertProblemAsync(422, "invalid_arguments");
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(15), $"call {call} took {watch.Elapsed}");
            Assert.True(mismatch.GetProperty("errors").TryGetProperty("/arguments/s", out _), mismatch.ToString());
            Assert.Contains("too long", slow.GetProperty("errors").GetRawText());
        }

        // A value the pattern matches, or fails quickly, is judged as usual.
        var fine = await (await fixture.InvokeAsync(name, agent, new { s = "aaaa" })).ReadJsonAsync();
        Assert.False(fine.GetProperty("isError").GetBoolean(), fine.ToString());
        await (await fixture.InvokeAsync(name, agent, new { s = "b" })).AssertProblemAsync(422, "invalid_arguments");
    }

    [Fact]
    public async Task ACatastrophicPatternPropertiesKeyIsJudgedQuicklyToo()
    {
        var name = await RegisterAsync(JsonDocument.Parse("""{"type":"object","patternProperties":{"^(a+)+$":{"type":"string"}}}""").RootElement);
        var agent = await fixture.CreateAgentAsync(name);
        // The hostile key matches nothing (fast, under the linear engine); "aaaa" matches and its value is no string.
        var arguments = JsonDocument.Parse($$"""{"{{new string('a', 40)}}!":1, "aaaa": 1}""").RootElement;

        var watch = Stopwatch.StartNew();
        await (await fixture.InvokeAsync(name, agent, arguments)).AssertProblemAsync(422, "invalid_arguments");
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(15), $"took {watch.Elapsed}");
    }

    [Theory]
    [InlineData("""{"type":"object","properties":{"s":{"$ref":"https://example.invalid/s.json"}}}""", "/inputSchema/properties/s/$ref")]
    [InlineData("""{"type":"object","properties":{"s":{"$ref":"#/$defs/missing"}}}""", "/inputSchema/properties/s/$ref")]
    [InlineData("""{"type":"object","properties":{"s":{"type":"string","pattern":"(["}}}""", "/inputSchema/properties/s/pattern")]
    [InlineData("""{"type":"object","patternProperties":{"([":{}}}""", "/inputSchema/patternProperties/([")]
    [InlineData("""{"type":"object","items":{"$dynamicRef":"#nothing"}}""", "/inputSchema/items/$dynamicRef")]
    [InlineData("""{"type":12}""", "/inputSchema")]
    public async Task AnUnusableSchemaIs422WithItsPointerAndNothingIsStored(string schema, string pointer)
    {
        var name = $"test.schema{Guid.NewGuid():N}"[..24];
        var response = await fixture.Tools.PostAsJsonAsync("/tools", Registration(name, JsonDocument.Parse(schema).RootElement));

        var problem = await response.AssertProblemAsync(422, "invalid_schema");
        Assert.True(problem.GetProperty("errors").TryGetProperty(pointer, out _), problem.ToString());
        Assert.Equal(HttpStatusCode.NotFound, (await fixture.Tools.GetAsync($"/tools/{name}")).StatusCode);
    }

    [Fact]
    public async Task ASchemaReferringWithinItselfIsAccepted()
    {
        var schema = JsonDocument.Parse("""
            {"type":"object","$defs":{"city":{"type":"string","pattern":"^[A-Z]"}},"properties":{"city":{"$ref":"#/$defs/city"},
             "meta":{"$ref":"https://json-schema.org/draft/2020-12/schema"}}}
            """).RootElement;
        var name = await RegisterAsync(schema);
        var agent = await fixture.CreateAgentAsync(name);

        await (await fixture.InvokeAsync(name, agent, new { city = "oslo" })).AssertProblemAsync(422, "invalid_arguments");
    }

    [Fact]
    public async Task PatchingInAnUnusableSchemaIs422AndKeepsTheOldOne()
    {
        var name = await RegisterAsync(new { type = "object" });
        var patch = new StringContent("""{"inputSchema":{"properties":{"s":{"pattern":"(["}}}}""", Encoding.UTF8, "application/json");

        await (await fixture.Tools.PatchAsync($"/tools/{name}", patch)).AssertProblemAsync(422, "invalid_schema");
        var tool = await (await fixture.Tools.GetAsync($"/tools/{name}")).ReadJsonAsync();
        Assert.Equal("""{"type":"object"}""", tool.GetProperty("inputSchema").GetRawText());
    }

    [Fact]
    public async Task AnMcpSyncSkipsUnusableToolsWithReasonsAndRegistersTheRest()
    {
        var source = $"host{Guid.NewGuid():N}"[..12];
        var created = await fixture.Tools.PostAsJsonAsync("/tool-sources", new { name = source, url = _mcp.Url });

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var result = await created.ReadJsonAsync();
        var added = result.GetProperty("added").EnumerateArray().Select(t => t.GetString()).Order().ToList();
        Assert.Equal(HostileMcpServer.Usable.Select(t => $"{source}.{t}").Order(), added);
        var skipped = result.GetProperty("skipped").EnumerateArray()
            .ToDictionary(s => s.GetProperty("name").GetString()!, s => s.GetProperty("reason").GetString()!);
        Assert.Equal(HostileMcpServer.Unusable.Order(), skipped.Keys.Order());
        Assert.Contains("/inputSchema/properties/s/pattern", skipped["badpattern"]);
        Assert.Contains("/inputSchema/properties/s/$ref", skipped["nowhere"]);
        Assert.Contains("4096", skipped["verbose"]);

        // The source is healthy and every later sync works: nothing half-stored makes it fail.
        var sync = await fixture.Tools.PostAsync($"/tool-sources/{source}/sync", null);
        Assert.Equal(HttpStatusCode.OK, sync.StatusCode);
        Assert.Equal(4, (await sync.ReadJsonAsync()).GetProperty("skipped").GetArrayLength());
        var listed = await (await fixture.Tools.GetAsync($"/tool-sources/{source}")).ReadJsonAsync();
        Assert.Equal(2, listed.GetProperty("toolCount").GetInt32());
        Assert.Equal(JsonValueKind.Null, listed.GetProperty("lastSyncError").ValueKind);
        Assert.Equal(0, await CountToolsAsync($"{source}.%", exceptNames: added!));
    }

    [Fact]
    public async Task AServerPlantedCatastrophicPatternTimesOutToo()
    {
        var source = $"redos{Guid.NewGuid():N}"[..12];
        Assert.Equal(HttpStatusCode.Created, (await fixture.Tools.PostAsJsonAsync("/tool-sources", new { name = source, url = _mcp.Url })).StatusCode);
        var agent = await fixture.CreateAgentAsync($"{source}.redos");

        var watch = Stopwatch.StartNew();
        await (await fixture.InvokeAsync($"{source}.redos", agent, new { s = new string('a', 40) + "!" })).AssertProblemAsync(422, "invalid_arguments");
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(15), $"took {watch.Elapsed}");
    }

    [Fact]
    public async Task AnMcpToolsOutputThatCannotBeStoredFailsOnceAsUnstorable()
    {
        var source = $"nul{Guid.NewGuid():N}"[..12];
        Assert.Equal(HttpStatusCode.Created, (await fixture.Tools.PostAsJsonAsync("/tool-sources", new { name = source, url = _mcp.Url })).StatusCode);
        var agent = await fixture.CreateAgentAsync($"{source}.redos");

        var result = await (await fixture.InvokeAsync($"{source}.redos", agent, new { s = "aa" })).ReadJsonAsync();

        Assert.True(result.GetProperty("isError").GetBoolean(), result.ToString());
        Assert.Equal("unstorable_output", result.GetProperty("errorCode").GetString());
        Assert.False(result.GetProperty("retryable").GetBoolean());
        Assert.Equal(1, result.GetProperty("attempts").GetInt32());
    }

    private async Task<long> CountToolsAsync(string pattern, IReadOnlyList<string> exceptNames)
    {
        await using var connection = new NpgsqlConnection(fixture.Postgres.ConnectionString("toolsdb"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM tools WHERE name LIKE $1 AND NOT (name = ANY($2))", connection);
        command.Parameters.AddWithValue(pattern);
        command.Parameters.AddWithValue(exceptNames.ToArray());
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private async Task<string> RegisterAsync(object schema)
    {
        var name = $"test.schema{Guid.NewGuid():N}"[..24];
        var response = await fixture.Tools.PostAsJsonAsync("/tools", Registration(name, schema));
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return name;
    }

    private object Registration(string name, object schema) => new
    {
        name,
        kind = "http",
        inputSchema = schema,
        http = new { url = _server.BaseUrl + "/headers", method = "POST" },
        timeoutMs = 5000,
    };
}
