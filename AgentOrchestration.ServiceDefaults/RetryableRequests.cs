namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Which calls between services the resilience handler may repeat: reads, including the POSTs that only read
/// (a lookup whose question is too big or too secret for a URL). A write that may have reached the other side is
/// never repeated here; its caller decides, with an Idempotency-Key.
/// </summary>
public static class RetryableRequests
{
    private static readonly HttpRequestOptionsKey<bool> ReadOnly = new("AgentOrchestration.ReadOnly");

    /// <summary>Marks a request whose method says "write" but which changes nothing, so a timeout or 503 is retried.</summary>
    public static HttpRequestMessage AsReadOnly(this HttpRequestMessage request)
    {
        request.Options.Set(ReadOnly, true);
        return request;
    }

    public static bool MayRetry(HttpRequestMessage request) =>
        request.Method == HttpMethod.Get || request.Method == HttpMethod.Head || request.Method == HttpMethod.Options
        || (request.Options.TryGetValue(ReadOnly, out var readOnly) && readOnly);
}
