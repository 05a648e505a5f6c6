using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using AgentOrchestration.TestSupport;

namespace AgentOrchestration.EndToEnd.Tests;

/// <summary>
/// HTTP tools and MCP sources cannot be aimed at the machine itself. A trap listener on every loopback address counts
/// the requests aimed at it and must count none; the tests' legitimate server sits on 127.0.0.2, which the allow-list
/// names. Nothing here leaves the machine.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class SsrfTests(AppHostFixture fixture) : IAsyncLifetime
{
    private readonly TestHttpServer _allowed = new();
    private readonly TcpListener _trap = new(IPAddress.IPv6Any, 0);
    private int _trapped;

    /// <summary>
    /// In every path aimed at the trap: only a request carrying it counts. The trap's port is an ephemeral one that an
    /// earlier system's leftover client may still be reconnecting to (it counted 21 such connections once).
    /// </summary>
    private readonly string _marker = $"ssrf-{Guid.NewGuid():N}";

    private HttpClient Api => fixture.Api;

    private int TrapPort => ((IPEndPoint)_trap.LocalEndpoint).Port;

    public async Task InitializeAsync()
    {
        _trap.Server.DualMode = true;
        _trap.Start();
        _ = Task.Run(async () =>
        {
            while (true)
            {
                var socket = await _trap.AcceptSocketAsync();
                _ = Task.Run(() => JudgeAsync(socket));
            }
        });
        await _allowed.InitializeAsync();
    }

    /// <summary>Counts the connection if its first bytes name the marker (an HTTP request line does at once), then drops it.</summary>
    private async Task JudgeAsync(Socket socket)
    {
        using (socket)
        {
            var buffer = new byte[4096];
            var seen = new System.Text.StringBuilder();
            using var quiet = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                while (seen.Length < 8192 && !seen.ToString().Contains(_marker, StringComparison.Ordinal))
                {
                    var read = await socket.ReceiveAsync(buffer, SocketFlags.None, quiet.Token);
                    if (read == 0)
                    {
                        return;
                    }

                    seen.Append(System.Text.Encoding.Latin1.GetString(buffer, 0, read));
                }

                if (seen.ToString().Contains(_marker, StringComparison.Ordinal))
                {
                    Interlocked.Increment(ref _trapped);
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException)
            {
                // Silent or gone: not a request of these tests.
            }
        }
    }

    public async Task DisposeAsync()
    {
        _trap.Stop();
        await _allowed.DisposeAsync();
    }

    [Fact]
    public async Task ToolsAimedAtLoopbackAreBlockedWithoutAConnection()
    {
        string[] targets =
        [
            $"http://127.0.0.1:{TrapPort}/{_marker}",
            $"http://[::1]:{TrapPort}/{_marker}",
            $"http://0.0.0.0:{TrapPort}/{_marker}",
            $"http://2130706433:{TrapPort}/{_marker}",
            $"http://localhost:{TrapPort}/{_marker}",
            $"http://{Dns.GetHostName()}:{TrapPort}/{_marker}",
            $"{_allowed.BaseUrl}/redirect?to={Uri.EscapeDataString($"http://127.0.0.1:{TrapPort}/{_marker}")}",
        ];

        foreach (var url in targets)
        {
            var tool = await RegisterHttpToolAsync(url);
            var agent = await Api.RegisterAgentAsync(tool);
            var result = await (await Api.PostAsJsonAsync($"/tools/{tool}/invoke", new { agent, arguments = new { } })).ReadJsonAsync();

            Assert.True(result.GetProperty("isError").GetBoolean(), $"{url}: {result}");
            Assert.True(result.TryGetProperty("errorCode", out var code) && code.GetString() == "ssrf_blocked", $"{url}: {result}");
            Assert.Equal(1, result.GetProperty("attempts").GetInt32());
        }

        Assert.Equal(0, Volatile.Read(ref _trapped));
    }

    [Fact]
    public async Task AStepCallingABlockedToolFailsWithSsrfBlocked()
    {
        var tool = await RegisterHttpToolAsync($"http://127.0.0.1:{TrapPort}/{_marker}");
        var agent = await Api.RegisterAgentAsync(tool);

        var task = await (await Api.ExecuteAsync($$"""{ "agent": "{{agent}}", "tool": "{{tool}}", "arguments": {} }""")).ReadJsonAsync();

        Assert.Equal("failed", task.GetProperty("status").GetString());
        Assert.StartsWith("ssrf_blocked", task.GetProperty("steps")[0].GetProperty("error").GetString());
        Assert.Equal(0, Volatile.Read(ref _trapped));
    }

    [Fact]
    public async Task AnAllowListedServerIsReachable()
    {
        var tool = await RegisterHttpToolAsync($"{_allowed.BaseUrl}/weather");
        var agent = await Api.RegisterAgentAsync(tool);

        var result = await (await Api.PostAsJsonAsync($"/tools/{tool}/invoke", new { agent, arguments = new { city = "Oslo" } })).ReadJsonAsync();

        Assert.False(result.GetProperty("isError").GetBoolean(), result.ToString());
        Assert.Equal("Oslo", result.GetProperty("output").GetProperty("city").GetString());
    }

    [Fact]
    public async Task AnMcpSourceOnLoopbackIsRefused()
    {
        var response = await Api.PostAsJsonAsync("/tool-sources", new { name = Json.UniqueName("trap"), url = $"http://127.0.0.1:{TrapPort}/{_marker}/mcp" });

        await response.AssertProblemAsync(422, "ssrf_blocked");
        Assert.Equal(0, Volatile.Read(ref _trapped));
    }

    private Task<string> RegisterHttpToolAsync(string url) => Api.RegisterHttpToolAsync(url, "ssrf");
}
