extern alias agents;
extern alias tools;
using System.Net.Http.Json;
using System.Text.Json;
using AgentOrchestration.TestSupport;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace AgentOrchestration.ToolService.Tests;

/// <summary>
/// The ToolService in-process against a real Postgres and Redis, calling a real AgentService that listens on a
/// loopback port (the ToolService reaches it through service discovery, as in the AppHost).
/// </summary>
public sealed class ToolServiceFixture : IAsyncLifetime
{
    public PostgresServer Postgres { get; } = new();
    public RedisServer Redis { get; } = new();
    public WebApplicationFactory<agents::Program> AgentService { get; private set; } = null!;
    public WebApplicationFactory<tools::Program> ToolService { get; private set; } = null!;
    public HttpClient Agents { get; private set; } = null!;
    public HttpClient Tools { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Task.WhenAll(Postgres.InitializeAsync(), Redis.InitializeAsync());
        await Postgres.CreateDatabaseAsync("agentsdb");
        await Postgres.CreateDatabaseAsync("toolsdb");

        var agentsPort = ServerProcess.FreeTcpPort();
        AgentService = new WebApplicationFactory<agents::Program>().WithWebHostBuilder(web =>
        {
            web.UseSetting("ConnectionStrings:agentsdb", Postgres.ConnectionString("agentsdb"));
            web.UseSetting("ConnectionStrings:redis", Redis.ConnectionString);
            web.UseUrls($"http://127.0.0.1:{agentsPort}");
        });
        AgentService.UseKestrel();
        AgentService.StartServer();
        Agents = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{agentsPort}") };

        _agentsUrl = $"http://127.0.0.1:{agentsPort}";
        ToolService = CreateToolService("toolsdb");
        Tools = ToolService.CreateClient();
    }

    private string _agentsUrl = "";

    /// <summary>Another ToolService (on a database of its own, or the shared one) with extra settings.</summary>
    public WebApplicationFactory<tools::Program> CreateToolService(string database, IReadOnlyDictionary<string, string>? settings = null) =>
        new WebApplicationFactory<tools::Program>().WithWebHostBuilder(web =>
        {
            web.UseSetting("ConnectionStrings:toolsdb", Postgres.ConnectionString(database));
            web.UseSetting("ConnectionStrings:redis", Redis.ConnectionString);
            web.UseSetting("services:agents:http:0", _agentsUrl);
            // The tests' own tool servers listen on 127.0.0.2; every other internal address stays forbidden.
            web.UseSetting("Security:OutboundAllowList", ServerProcess.ToolHost);
            foreach (var (key, value) in settings ?? new Dictionary<string, string>())
            {
                web.UseSetting(key, value);
            }
        });

    /// <summary>Registers an active agent allowed to use the given tools; returns its name.</summary>
    public async Task<string> CreateAgentAsync(params string[] tools)
    {
        var name = $"agent-{Guid.NewGuid():N}"[..24];
        var response = await Agents.PostAsJsonAsync("/agents", new { name, tools });
        response.EnsureSuccessStatusCode();
        return name;
    }

    public async Task<HttpResponseMessage> InvokeAsync(string tool, string? agent, object arguments) =>
        await Tools.PostAsJsonAsync($"/tools/{tool}/invoke", new { agent, arguments });

    /// <summary>Invokes with <c>Accept: application/x-ndjson</c> and returns the streamed lines, asserting the media type.</summary>
    public async Task<List<JsonElement>> InvokeStreamedAsync(string tool, string agent, object arguments)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/tools/{tool}/invoke")
        {
            Content = JsonContent.Create(new { agent, arguments }),
        };
        request.Headers.Accept.ParseAdd("application/x-ndjson");
        using var response = await Tools.SendAsync(request);
        Assert.Equal("application/x-ndjson", response.Content.Headers.ContentType?.MediaType);
        return (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonDocument.Parse(l).RootElement).ToList();
    }

    public async Task DisposeAsync()
    {
        await ToolService.DisposeAsync();
        await AgentService.DisposeAsync();
        await Task.WhenAll(Postgres.DisposeAsync(), Redis.DisposeAsync());
    }
}

[CollectionDefinition(Name)]
public sealed class ToolServiceCollection : ICollectionFixture<ToolServiceFixture>
{
    public const string Name = "ToolService";
}

internal static class Json
{
    public static async Task<JsonElement> ReadJsonAsync(this HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<JsonElement>();

    public static async Task<JsonElement> AssertProblemAsync(this HttpResponseMessage response, int status, string code)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == (int)response.StatusCode, $"expected {status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal(code, problem.GetProperty("code").GetString());
        return problem;
    }
}
