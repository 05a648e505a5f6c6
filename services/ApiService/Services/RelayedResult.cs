namespace AgentOrchestration.ApiService.Services;

/// <summary>
/// Sends a downstream service's answer on unchanged: status, body, and the headers a client acts on.
/// Their problem responses are already RFC 9457, so re-wrapping them would only lose detail.
/// </summary>
public sealed class RelayedResult(HttpResponseMessage response) : IResult, IDisposable
{
    private static readonly string[] ForwardedHeaders = ["Location", "ETag", "Retry-After"];

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        using (response)
        {
            httpContext.Response.StatusCode = (int)response.StatusCode;
            foreach (var name in ForwardedHeaders)
            {
                if (response.Headers.TryGetValues(name, out var values))
                {
                    httpContext.Response.Headers[name] = values.ToArray();
                }
            }

            if (response.Content.Headers.ContentType is { } contentType)
            {
                httpContext.Response.ContentType = contentType.ToString();
            }

            await response.Content.CopyToAsync(httpContext.Response.Body, httpContext.RequestAborted);
        }
    }

    /// <summary>True, with the body, when the downstream service answered 201 Created.</summary>
    public bool IsCreated(out System.Text.Json.JsonElement body)
    {
        body = default;
        if (response.StatusCode != System.Net.HttpStatusCode.Created)
        {
            return false;
        }

        using var stream = response.Content.ReadAsStream();
        body = System.Text.Json.JsonDocument.Parse(stream).RootElement.Clone();
        return true;
    }

    public void Dispose() => response.Dispose();
}
