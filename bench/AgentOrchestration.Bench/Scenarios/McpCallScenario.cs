using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using Microsoft.Extensions.Logging.Abstractions;
using AgentOrchestration.Bench.Load;

namespace AgentOrchestration.Bench.Scenarios;

/// <summary>
/// 6 — an MCP tools/call of echo through the gateway's /mcp with the C# MCP client over Streamable HTTP. Each worker
/// has its own client (initialised before the level, not timed), as a real agent process would; the calling agent
/// is named by the X-Agent header next to the admin key.
/// </summary>
public sealed class McpCallScenario(ScenarioContext context) : RequestScenario(context)
{
    private readonly List<McpClient> _clients = [];
    private HttpClient? _http;
    private string _agent = "";

    public override int Number => 6;

    public override string Name => "MCP tools/call echo via /mcp";

    public override async Task SetupAsync(CancellationToken cancellationToken) =>
        _agent = await Context.RegisterAgentAsync("b6", ["echo"], cancellationToken);

    protected override async Task BeforeLevelAsync(int concurrency, CancellationToken cancellationToken)
    {
        _http = HttpClients.Create(Context.ApiBase, Context.AdminKey);
        _http.DefaultRequestHeaders.Add("X-Agent", _agent);
        for (var i = 0; i < concurrency; i++)
        {
            var transport = new HttpClientTransport(new HttpClientTransportOptions
            {
                Endpoint = new Uri(Context.ApiBase, "/mcp"),
                TransportMode = HttpTransportMode.StreamableHttp,
            }, _http, NullLoggerFactory.Instance, ownsHttpClient: false);
            _clients.Add(await McpClient.CreateAsync(transport, cancellationToken: cancellationToken));
        }
    }

    protected override async Task<string?> ExecuteAsync(int worker, CancellationToken cancellationToken)
    {
        var result = await _clients[worker].CallToolAsync("echo", new Dictionary<string, object?> { ["text"] = "benchmark" },
            cancellationToken: cancellationToken);
        if (result.IsError == true)
        {
            return $"tool error: {(result.Content.FirstOrDefault() as TextContentBlock)?.Text}";
        }

        return (result.Content.FirstOrDefault() as TextContentBlock)?.Text?.Contains("benchmark", StringComparison.Ordinal) == true
            ? null
            : "echo answered something else";
    }

    protected override async Task AfterLevelAsync()
    {
        foreach (var client in _clients)
        {
            await client.DisposeAsync();
        }

        _clients.Clear();
        _http?.Dispose();
        _http = null;
    }
}
