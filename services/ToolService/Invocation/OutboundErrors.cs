using System.Net.Http;
using System.Net.Sockets;

namespace AgentOrchestration.ToolService.Invocation;

/// <summary>
/// What an outbound failure says to the caller. The exception's own message names the addresses a host name resolved
/// to on this machine ("Connection refused (10.0.3.7:80)"), which is none of the caller's business: the answer names
/// only the host the caller gave and the kind of failure.
/// </summary>
public static class OutboundErrors
{
    public static string Describe(HttpRequestException exception, Uri target) =>
        $"Could not reach {target.Host}:{target.Port}: {Kind(exception)}.";

    /// <summary>True when the failure happened before any byte of the request was sent, so repeating it is always safe.</summary>
    public static bool BeforeSending(HttpRequestException exception) =>
        exception.HttpRequestError is HttpRequestError.NameResolutionError or HttpRequestError.ConnectionError
            or HttpRequestError.SecureConnectionError or HttpRequestError.ProxyTunnelError;

    private static string Kind(HttpRequestException exception)
    {
        if (Find<SocketException>(exception) is { } socket)
        {
            return socket.SocketErrorCode switch
            {
                SocketError.ConnectionRefused => "the connection was refused",
                SocketError.TimedOut => "the connection timed out",
                SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain => "the host name does not resolve",
                SocketError.HostUnreachable or SocketError.NetworkUnreachable => "the host is unreachable",
                SocketError.ConnectionReset => "the connection was reset",
                _ => $"socket error {socket.SocketErrorCode}",
            };
        }

        return exception.HttpRequestError switch
        {
            HttpRequestError.NameResolutionError => "the host name does not resolve",
            HttpRequestError.ConnectionError => "the connection failed",
            HttpRequestError.SecureConnectionError => "the TLS handshake failed",
            HttpRequestError.ResponseEnded => "the server closed the connection before answering",
            HttpRequestError.InvalidResponse => "the server's answer is not valid HTTP",
            HttpRequestError.ConfigurationLimitExceeded => "the server's answer exceeds a limit (headers too large)",
            _ => "the request failed",
        };
    }

    private static T? Find<T>(Exception exception) where T : Exception
    {
        for (var current = (Exception?)exception; current is not null; current = current.InnerException)
        {
            if (current is T found)
            {
                return found;
            }
        }

        return null;
    }
}
