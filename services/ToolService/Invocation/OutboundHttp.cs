using System.Net;
using System.Net.Sockets;

namespace AgentOrchestration.ToolService.Invocation;

/// <summary>
/// The one HttpClient for calls to the outside world (HTTP tools, MCP sources). It is built by hand rather than
/// by IHttpClientFactory so the standard resilience handler does not retry on top of the invoker's own retries,
/// and so every connection, redirects included, goes through one ConnectCallback that enforces the outbound policy
/// on the resolved address before any packet is sent.
/// </summary>
public sealed class OutboundHttp : IDisposable
{
    /// <summary>Opens the TCP connection to already-vetted addresses; tests replace it to prove nothing forbidden is dialled.</summary>
    public delegate ValueTask<Stream> Connector(IPAddress[] addresses, int port, CancellationToken cancellationToken);

    public OutboundHttp(OutboundPolicy policy, Connector? connector = null)
    {
        var connect = connector ?? ConnectAsync;
        Client = new HttpClient(Handler(policy, connect, followRedirects: true)) { Timeout = Timeout.InfiniteTimeSpan };
        Unredirected = new HttpClient(Handler(policy, connect, followRedirects: false)) { Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>Follows redirects itself: for MCP sources, which carry no secrets of their own.</summary>
    public HttpClient Client { get; }

    /// <summary>
    /// Does not follow redirects, so the caller decides what crosses to another origin (HTTP tools: their secret
    /// headers must not). Every hop still connects through the policy's ConnectCallback.
    /// </summary>
    public HttpClient Unredirected { get; }

    public const int MaxRedirects = 3;

    private static SocketsHttpHandler Handler(OutboundPolicy policy, Connector connect, bool followRedirects) =>
        new()
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            ConnectTimeout = TimeSpan.FromSeconds(10),
            AllowAutoRedirect = followRedirects,
            MaxAutomaticRedirections = MaxRedirects,
            ConnectCallback = async (context, cancellationToken) =>
            {
                var host = context.DnsEndPoint.Host;
                var addresses = IPAddress.TryParse(host.Trim('[', ']'), out var literal)
                    ? [literal]
                    : await Dns.GetHostAddressesAsync(host, cancellationToken);
                var allowed = addresses.Where(a => policy.Allows(host, a)).ToArray();
                if (allowed.Length == 0)
                {
                    throw new OutboundBlockedException(host, addresses);
                }

                return await connect(allowed, context.DnsEndPoint.Port, cancellationToken);
            },
        };

    public void Dispose()
    {
        Client.Dispose();
        Unredirected.Dispose();
    }

    private static async ValueTask<Stream> ConnectAsync(IPAddress[] addresses, int port, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(addresses, port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>The policy's refusal inside whatever HttpClient wrapped it in, if that is why a call failed.</summary>
    public static OutboundBlockedException? Blocked(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is OutboundBlockedException blocked)
            {
                return blocked;
            }
        }

        return null;
    }
}
