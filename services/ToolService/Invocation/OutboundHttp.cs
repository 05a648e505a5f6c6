namespace AgentOrchestration.ToolService.Invocation;

/// <summary>
/// The one HttpClient for calls to the outside world (HTTP tools, MCP sources). It is built by hand rather than
/// by IHttpClientFactory so the standard resilience handler does not retry on top of the invoker's own retries,
/// and so every connection goes through one handler where outbound policy can be enforced.
/// </summary>
public sealed class OutboundHttp : IDisposable
{
    public OutboundHttp()
    {
        var handler = new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            ConnectTimeout = TimeSpan.FromSeconds(10),
            AllowAutoRedirect = true,
            MaxAutomaticRedirections = 3,
        };
        Client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
    }

    public HttpClient Client { get; }

    public void Dispose() => Client.Dispose();
}
