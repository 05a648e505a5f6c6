using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AgentOrchestration.ToolService.Model;

namespace AgentOrchestration.ToolService.Invocation;

/// <summary>Calls an HTTP tool: arguments as the JSON body (as the query string for GET and DELETE).</summary>
public sealed class HttpToolExecutor(OutboundHttp outbound, SecretProtector secrets)
{
    public const int MaxResponseBytes = 1024 * 1024;

    public async Task<JsonNode?> ExecuteAsync(Tool tool, JsonElement args, CancellationToken cancellationToken)
    {
        var config = tool.Config?.Deserialize<HttpToolConfig>(JsonSerializerOptions.Web)
            ?? throw new ToolFailureException($"Tool '{tool.Name}' has no HTTP target.");
        var method = new HttpMethod(config.Method);
        var sendsQuery = method == HttpMethod.Get || method == HttpMethod.Delete;
        using var request = new HttpRequestMessage(method, sendsQuery ? WithQuery(config.Url, args) : config.Url);
        if (!sendsQuery)
        {
            request.Content = JsonContent.Create(args);
        }

        foreach (var (name, value) in secrets.Unprotect(tool.ProtectedSecrets))
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        HttpResponseMessage response;
        try
        {
            response = await outbound.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
        catch (HttpRequestException ex) when (OutboundHttp.Blocked(ex) is { } blocked)
        {
            throw new ToolFailureException(blocked.Message, OutboundBlockedException.Code);
        }
        catch (HttpRequestException ex)
        {
            throw new TransientToolException($"Could not reach the tool: {ex.Message}", ex);
        }

        using (response)
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
    }

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

    /// <summary>JSON bodies become JSON; anything else is returned as a string.</summary>
    private static JsonNode? ParseBody(string body)
    {
        if (body.Length == 0)
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(body);
        }
        catch (JsonException)
        {
            return JsonValue.Create(body);
        }
    }

    private static string Truncate(string text) => text.Length <= 300 ? text : text[..300] + "…";
}
