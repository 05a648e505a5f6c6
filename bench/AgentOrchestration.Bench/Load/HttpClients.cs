using System.Net.Http.Headers;

namespace AgentOrchestration.Bench.Load;

/// <summary>
/// HttpClients for load: one pooled handler per target with enough connections for the highest concurrency
/// (HTTP/1.1 has one request in flight per connection), no cookies, no decompression, no resilience handler —
/// a retry would hide the very errors the benchmark counts.
/// </summary>
public static class HttpClients
{
    public static HttpClient Create(Uri baseAddress, string? bearerToken = null, TimeSpan? timeout = null)
    {
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = 2048,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            UseCookies = false,
            AutomaticDecompression = System.Net.DecompressionMethods.None,
            ConnectTimeout = TimeSpan.FromSeconds(10),
        };
        var client = new HttpClient(handler) { BaseAddress = baseAddress, Timeout = timeout ?? TimeSpan.FromSeconds(60) };
        if (bearerToken is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearerToken);
        }

        return client;
    }

    /// <summary>Null when the answer is 2xx, else "status: start of body" (the body names the problem's code).</summary>
    public static async Task<string?> FailureOf(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return null;
        }

        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        return $"{(int)response.StatusCode}: {(body.Length > 200 ? body[..200] : body)}";
    }
}
