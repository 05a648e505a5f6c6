using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace AgentOrchestration.EndToEnd.Tests.Adversarial;

/// <summary>What one request got: a status, its media type and body, or no answer within the bound.</summary>
public sealed record Answer(int Status, string? MediaType, string Body, TimeSpan Elapsed, string? Failure = null)
{
    public bool TimedOut => Failure is not null;

    /// <summary>The status, or what stood for one: "hang" (no answer within the bound) or "reset" (the connection failed).</summary>
    public string Outcome => Failure is null ? Status.ToString(System.Globalization.CultureInfo.InvariantCulture)
        : Failure.StartsWith("connection", StringComparison.Ordinal) ? "reset" : "hang";

    public override string ToString() => Failure ?? $"{Status} {MediaType} {Excerpt(Body)} ({Elapsed.TotalMilliseconds:F0} ms)";

    public static string Excerpt(string text, int max = 400) => text.Length <= max ? text : $"{text[..max]}… ({text.Length} chars)";
}

/// <summary>
/// A plain client of the gateway for hostile input: no resilience handler (the fixture's clients retry 5xx and
/// timeouts, which would hide exactly what these tests look for), no redirects, and a hard bound on every request.
/// Only the loopback endpoint the AppHost gave the gateway is ever called.
/// </summary>
public sealed class GatewayClient : IDisposable
{
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(20);

    private readonly HttpClient _http;

    public GatewayClient(DistributedApplication app)
    {
        var endpoint = app.GetEndpoint(ResourceNames.ApiService, "http");
        Assert.True(endpoint.IsLoopback || IPAddress.TryParse(endpoint.Host, out var ip) && IPAddress.IsLoopback(ip), $"the gateway is not on loopback: {endpoint}");
        _http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false })
        {
            BaseAddress = endpoint,
            Timeout = Timeout.InfiniteTimeSpan, // each request has its own bound, so a hang is told apart from other failures
        };
    }

    /// <summary>Sends raw bytes as the body (null: none) with the key (null: anonymous); reads the whole answer within the bound.</summary>
    public async Task<Answer> SendAsync(
        string method, string pathAndQuery, string? key, byte[]? body = null, IEnumerable<(string Name, string Value)>? headers = null,
        TimeSpan? timeout = null, bool headersOnly = false)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), pathAndQuery);
        if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
            // A large body waits for the server's go-ahead, so an early answer (413 over the limit, Kestrel's 400 for a
            // bad request line) arrives instead of a connection reset in the middle of the upload.
            request.Headers.ExpectContinue = body.Length > 64 * 1024;
        }

        foreach (var (name, value) in headers ?? [])
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        var bound = timeout ?? RequestTimeout;
        using var cts = new CancellationTokenSource(bound);
        var clock = Stopwatch.StartNew();
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token);
            var mediaType = response.Content.Headers.ContentType?.MediaType;
            // A stream that answered with its headers is not read further: it is meant to stay open.
            var text = headersOnly && mediaType == "text/event-stream" ? "" : await ReadAsync(response, cts.Token);
            return new Answer((int)response.StatusCode, mediaType, text, clock.Elapsed);
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            return new Answer(0, null, "", clock.Elapsed, $"no complete answer within {bound.TotalSeconds:F0} s (hang)");
        }
        catch (HttpRequestException e)
        {
            return new Answer(0, null, "", clock.Elapsed, $"connection failed: {e.Message}");
        }
    }

    private static async Task<string> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        return Encoding.UTF8.GetString(bytes);
    }

    public void Dispose() => _http.Dispose();
}
