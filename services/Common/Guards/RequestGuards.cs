using System.Buffers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using BadHttpRequestException = Microsoft.AspNetCore.Http.BadHttpRequestException;

namespace AgentOrchestration.ServiceCommon.Guards;

/// <summary>
/// The one check of what a request carries, before any endpoint (or the gateway's proxy) sees it: the query
/// parameters must be storable text, and a JSON body must pass <see cref="JsonBodyInspector"/>.
/// Every service runs it (through UseProblemConventions), so no handler re-checks these and none can forget to.
/// A JSON body is buffered once (it is at most Limits:MaxRequestBodyBytes) and handed on as a memory stream, so
/// endpoints, YARP and the MCP transport read it as before; bodies of other media types pass untouched.
/// </summary>
public static class RequestGuards
{
    public static WebApplication UseRequestGuards(this WebApplication app, long maxBodyBytes, int maxDepth)
    {
        app.Use(async (context, next) =>
        {
            if (FindUnstorableText(context) is { } errors)
            {
                await Problems.Validation(errors, StorableJson.Rule).ExecuteAsync(context);
                return;
            }

            if (context.Request.HasJsonContentType() && MayHaveBody(context))
            {
                // The inspection reads UTF-8; a body in another charset would be transcoded differently by the
                // endpoint (two names that differ here could be one name there), so JSON here is UTF-8 only.
                if (!IsUtf8(context.Request.ContentType))
                {
                    await Problems.Problem(StatusCodes.Status415UnsupportedMediaType, "unsupported_media_type",
                        "JSON bodies must be UTF-8.", "Send Content-Type: application/json (charset utf-8, or none).").ExecuteAsync(context);
                    return;
                }

                var body = await BufferAsync(context, maxBodyBytes);
                if (JsonBodyInspector.Inspect(body.Span, maxDepth) is { } issue)
                {
                    await ToProblem(issue).ExecuteAsync(context);
                    return;
                }
            }

            await next(context);
        });
        return app;
    }

    /// <summary>
    /// Query parameters by name (<c>/query/agent</c>). The path needs no check: the server refuses a %00 in it before
    /// any middleware runs, and leaves escapes that are not UTF-8 undecoded, so route values are always storable.
    /// </summary>
    private static Dictionary<string, string[]>? FindUnstorableText(HttpContext context)
    {
        var request = context.Request;
        Dictionary<string, string[]>? errors = null;
        // Only a percent-escape can smuggle U+0000 into a query: the server refuses it raw.
        if (request.QueryString.Value?.Contains('%') == true)
        {
            foreach (var (key, values) in request.Query)
            {
                if (!StorableJson.IsStorable(key) || values.Any(v => v is not null && !StorableJson.IsStorable(v)))
                {
                    (errors ??= [])[$"/query/{Escape(key)}"] = [$"The query parameter '{StorableJson.Clean(key)}' is invalid: {StorableJson.Rule}"];
                }
            }
        }

        return errors;
    }

    private static bool IsUtf8(string? contentType) =>
        !Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(contentType, out var media)
        || media.Charset.Length == 0
        || media.Charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase)
        || media.Charset.Equals("utf8", StringComparison.OrdinalIgnoreCase);

    private static bool MayHaveBody(HttpContext context) =>
        context.Request.ContentLength > 0
        || (context.Request.ContentLength is null && context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody == true);

    /// <summary>Reads the whole body into a pooled buffer (returned when the response ends) and puts it back as the request body.</summary>
    private static async Task<ReadOnlyMemory<byte>> BufferAsync(HttpContext context, long maxBodyBytes)
    {
        var request = context.Request;
        // One spare byte: the read that returns 0 (the end) needs room, and a body over the limit shows at once.
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(request.ContentLength ?? 16 * 1024, maxBodyBytes) + 1);
        var length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)buffer.Length * 2, maxBodyBytes + 1));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                var read = await request.Body.ReadAsync(buffer.AsMemory(length), context.RequestAborted);
                if (read == 0)
                {
                    break;
                }

                length += read;
                if (length > maxBodyBytes)
                {
                    throw new BadHttpRequestException("The request body is too large.", StatusCodes.Status413PayloadTooLarge);
                }
            }
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }

        context.Response.RegisterForDispose(new Returned(buffer));
        request.Body = new MemoryStream(buffer, 0, length, writable: false);
        return buffer.AsMemory(0, length);
    }

    private static IResult ToProblem(JsonBodyIssue issue)
    {
        var errors = new Dictionary<string, string[]> { [issue.Pointer] = [issue.Message] };
        return issue.Code == Problems.ValidationFailed
            ? Problems.Validation(errors, $"{issue.Message} (at '{issue.Pointer}')")
            : Problems.Problem(StatusCodes.Status400BadRequest, Problems.MalformedJson, "The request body is not valid JSON.",
                $"{issue.Message} (at '{issue.Pointer}')", new Dictionary<string, object?> { ["errors"] = errors });
    }

    private static string Escape(string name) => JsonPointers.Escape(StorableJson.Clean(name));

    private sealed class Returned(byte[] buffer) : IDisposable
    {
        public void Dispose() => ArrayPool<byte>.Shared.Return(buffer);
    }
}
