using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AgentOrchestration.ServiceCommon;
using AgentOrchestration.ToolService.Model;

namespace AgentOrchestration.ToolService.Invocation;

/// <summary>
/// Calls an HTTP tool: arguments as the JSON body (as the query string for GET and DELETE). Redirects are followed
/// here rather than by the handler, so the tool's headers (its secrets) go only to the origin it was registered with:
/// a hop to another scheme, host or port is followed without them, and https never hops down to http.
/// </summary>
public sealed class HttpToolExecutor(OutboundHttp outbound, SecretProtector secrets)
{
    public const int MaxResponseBytes = 1024 * 1024;

    public async Task<JsonNode?> ExecuteAsync(Tool tool, JsonElement args, CancellationToken cancellationToken)
    {
        var config = tool.Config?.Deserialize<HttpToolConfig>(JsonSerializerOptions.Web)
            ?? throw new ToolFailureException($"Tool '{tool.Name}' has no HTTP target.");
        var method = new HttpMethod(config.Method);
        var sendsQuery = method == HttpMethod.Get || method == HttpMethod.Delete;
        var origin = new Uri(config.Url);
        var target = new Uri(sendsQuery ? WithQuery(config.Url, args) : config.Url);
        var headers = secrets.Unprotect(tool.ProtectedSecrets);
        var withBody = !sendsQuery;

        for (var hop = 0; ; hop++)
        {
            using var request = new HttpRequestMessage(method, target);
            if (withBody)
            {
                request.Content = JsonContent.Create(args);
            }

            if (SameOrigin(origin, target))
            {
                foreach (var (name, value) in headers)
                {
                    request.Headers.TryAddWithoutValidation(name, value);
                }
            }

            using var response = await SendAsync(request, target, hop, cancellationToken);
            if (RedirectTarget(response, target) is not { } next)
            {
                return await ReadAsync(response, cancellationToken);
            }

            if (hop >= OutboundHttp.MaxRedirects)
            {
                throw new ToolFailureException($"The tool redirected more than {OutboundHttp.MaxRedirects} times.");
            }

            if (target.Scheme == Uri.UriSchemeHttps && next.Scheme != Uri.UriSchemeHttps)
            {
                throw new ToolFailureException("The tool redirected from https to an insecure http URL; not followed.");
            }

            // As browsers do: 303, and 301/302 after a POST, continue as a GET without the body.
            if (response.StatusCode == HttpStatusCode.SeeOther
                || (response.StatusCode is HttpStatusCode.MovedPermanently or HttpStatusCode.Found && method == HttpMethod.Post))
            {
                method = HttpMethod.Get;
                withBody = false;
            }

            target = next;
        }
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, Uri target, int hop, CancellationToken cancellationToken)
    {
        try
        {
            return await outbound.Unredirected.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
        catch (HttpRequestException ex) when (OutboundHttp.Blocked(ex) is { } blocked)
        {
            throw new ToolFailureException(blocked.Message, OutboundBlockedException.Code);
        }
        catch (HttpRequestException ex)
        {
            // Only the first hop's failure to connect is "never sent": after a redirect, the tool has seen the request.
            throw new TransientToolException(OutboundErrors.Describe(ex, target), ex, sent: hop > 0 || !OutboundErrors.BeforeSending(ex));
        }
    }

    private static async Task<JsonNode?> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var body = await ReadLimitedAsync(response, cancellationToken);
        if (response.StatusCode == HttpStatusCode.TooManyRequests || (int)response.StatusCode >= 500)
        {
            throw new TransientToolException($"The tool answered {(int)response.StatusCode} {response.ReasonPhrase}.");
        }

        if (!response.IsSuccessStatusCode)
        {
            throw new ToolFailureException($"The tool answered {(int)response.StatusCode} {response.ReasonPhrase}: {Truncate(body)}");
        }

        return ParseBody(body);
    }

    private static Uri? RedirectTarget(HttpResponseMessage response, Uri current) =>
        (int)response.StatusCode is 301 or 302 or 303 or 307 or 308 && response.Headers.Location is { } location
            && new Uri(current, location) is { Scheme: "http" or "https" } next
            ? next
            : null;

    private static bool SameOrigin(Uri a, Uri b) =>
        a.Scheme == b.Scheme && string.Equals(a.IdnHost, b.IdnHost, StringComparison.OrdinalIgnoreCase) && a.Port == b.Port;

    private static string WithQuery(string url, JsonElement args)
    {
        if (args.ValueKind != JsonValueKind.Object)
        {
            return url;
        }

        var query = string.Join('&', args.EnumerateObject().Select(p =>
            $"{Uri.EscapeDataString(p.Name)}={Uri.EscapeDataString(p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText())}"));
        return query.Length == 0 ? url : url + (url.Contains('?') ? "&" : "?") + query;
    }

    private static async Task<string> ReadLimitedAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[MaxResponseBytes + 1];
        var total = 0;
        int read;
        while (total < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(total), cancellationToken)) > 0)
        {
            total += read;
        }

        if (total > MaxResponseBytes)
        {
            throw new ToolFailureException($"The tool's response is larger than {MaxResponseBytes} bytes.");
        }

        return Encoding.UTF8.GetString(buffer, 0, total);
    }

    /// <summary>
    /// JSON bodies become JSON; anything else is returned as a string. Either must be storable (see
    /// <see cref="StorableJson"/>): checked here, on the parsed document, so the error names the offending string.
    /// </summary>
    private static JsonNode? ParseBody(string body)
    {
        if (body.Length == 0)
        {
            return null;
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException)
        {
            return StorableJson.IsStorable(body) ? JsonValue.Create(body) : throw Unstorable("/");
        }

        using (document)
        {
            if (StorableJson.FindUnstorable(document.RootElement) is { } pointer)
            {
                throw Unstorable(pointer.Length == 0 ? "/" : pointer);
            }

            return JsonNode.Parse(body);
        }
    }

    public static ToolFailureException Unstorable(string pointer) => new(
        $"The tool's output cannot be stored: the string at '{pointer}' holds U+0000 or an unpaired UTF-16 surrogate. {StorableJson.Rule}",
        ToolInvoker.UnstorableOutput);

    private static string Truncate(string text) => text.Length <= 300 ? text : text[..300] + "…";
}
