using Xunit;

namespace AgentOrchestration.TestSupport;

/// <summary>
/// The MCP reference server (@modelcontextprotocol/server-everything, pinned in tests/mcp-server) in its
/// Streamable HTTP mode, as a real third-party MCP source. ./test.sh installs it; a missing install fails loudly.
/// </summary>
public sealed class EverythingMcpServer : IAsyncLifetime
{
    private ServerProcess? _server;

    public int Port { get; } = ServerProcess.FreeTcpPort();

    public string Url => $"http://{ServerProcess.ToolHost}:{Port}/mcp";

    public async Task InitializeAsync()
    {
        var entry = Path.Combine(ServerProcess.RepositoryRoot(), "tests", "mcp-server", "node_modules",
            "@modelcontextprotocol", "server-everything", "dist", "index.js");
        if (!File.Exists(entry))
        {
            throw new InvalidOperationException($"The MCP reference server is not installed ({entry}): run 'npm ci' in tests/mcp-server (./test.sh does).");
        }

        _server = ServerProcess.Start("node", [entry, "streamableHttp"], new Dictionary<string, string> { ["PORT"] = Port.ToString() });
        await _server.WaitForPortAsync(Port, TimeSpan.FromSeconds(30));
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
