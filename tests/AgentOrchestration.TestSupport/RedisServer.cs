using System.Net.Sockets;
using Xunit;

namespace AgentOrchestration.TestSupport;

/// <summary>A throw-away redis-server on a free port for one test run; a missing binary fails loudly.</summary>
public sealed class RedisServer : IAsyncLifetime
{
    private ServerProcess? _server;

    public int Port { get; } = ServerProcess.FreeTcpPort();

    public string ConnectionString => $"127.0.0.1:{Port}";

    public async Task InitializeAsync()
    {
        const string binary = "/usr/bin/redis-server";
        if (!File.Exists(binary))
        {
            throw new InvalidOperationException("The tests need redis-server (apt-get install redis-server); it was not found.");
        }

        _server = ServerProcess.Start(binary, ["--port", Port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]);
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", Port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline && !_server.HasExited)
            {
                await Task.Delay(100);
            }
            catch (SocketException ex)
            {
                throw new InvalidOperationException($"redis-server did not start on port {Port}: {_server.Output}", ex);
            }
        }
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
