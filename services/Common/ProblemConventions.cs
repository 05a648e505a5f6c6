using System.Text.Json;
using AgentOrchestration.ServiceCommon.Guards;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using BadHttpRequestException = Microsoft.AspNetCore.Http.BadHttpRequestException;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AgentOrchestration.ServiceCommon;

public static class ProblemConventions
{
    public const long DefaultMaxRequestBodyBytes = 1024 * 1024;
    public const int DefaultMaxJsonDepth = 32;

    /// <summary>
    /// Every error, including those raised by the framework before a handler runs (bad JSON, oversized bodies,
    /// unknown routes), leaves as application/problem+json with a <c>code</c> and the trace id.
    /// </summary>
    public static IHostApplicationBuilder AddProblemConventions(this IHostApplicationBuilder builder)
    {
        builder.Services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            context.ProblemDetails.Extensions.TryAdd("traceId", System.Diagnostics.Activity.Current?.TraceId.ToString()
                ?? context.HttpContext.TraceIdentifier);
            if (!context.ProblemDetails.Extensions.ContainsKey("code"))
            {
                var code = context.ProblemDetails.Status switch
                {
                    404 => Problems.NotFoundCode,
                    405 => "method_not_allowed",
                    413 => Problems.PayloadTooLarge,
                    415 => "unsupported_media_type",
                    >= 500 => Problems.Internal,
                    _ => Problems.BadRequest,
                };
                context.ProblemDetails.Extensions["code"] = code;
                context.ProblemDetails.Type ??= Problems.TypeFor(code);
            }
        });
        builder.Services.AddExceptionHandler<DependencyExceptionHandler>();
        builder.Services.AddExceptionHandler<BadRequestExceptionHandler>();
        // Without this, minimal APIs answer a body they cannot bind with an empty 400 outside Development.
        builder.Services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);

        // Deeply nested JSON costs stack and time in every parser downstream; no legitimate body needs more.
        var maxDepth = builder.Configuration.GetValue("Limits:MaxJsonDepth", DefaultMaxJsonDepth);
        builder.Services.ConfigureHttpJsonOptions(options => options.SerializerOptions.MaxDepth = maxDepth);

        var maxBody = builder.Configuration.GetValue("Limits:MaxRequestBodyBytes", DefaultMaxRequestBodyBytes);
        builder.Services.Configure<KestrelServerOptions>(options => options.Limits.MaxRequestBodySize = maxBody);
        return builder;
    }

    public static WebApplication UseProblemConventions(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();

        // Kestrel enforces the limit while the body streams in; this answers a declared oversize body before any
        // of it is read, and holds on hosts other than Kestrel too.
        var maxBody = app.Configuration.GetValue("Limits:MaxRequestBodyBytes", DefaultMaxRequestBodyBytes);
        app.Use((context, next) => context.Request.ContentLength > maxBody
            ? throw new BadHttpRequestException("The request body is too large.", StatusCodes.Status413PayloadTooLarge)
            : next(context));

        // Unstorable text in the path or query, and JSON bodies that are malformed, too deep, ambiguous or
        // unstorable, are refused here for every endpoint, the gateway's proxied routes included.
        app.UseRequestGuards(maxBody, app.Configuration.GetValue("Limits:MaxJsonDepth", DefaultMaxJsonDepth));
        return app;
    }

    /// <summary>Turns the framework's BadHttpRequestException into a precise problem: 400 with the JSON path, or 413.</summary>
    private sealed class BadRequestExceptionHandler(
        IProblemDetailsService problemDetails, ILogger<BadRequestExceptionHandler> logger) : IExceptionHandler
    {
        public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
        {
            if (exception is not BadHttpRequestException badRequest)
            {
                logger.LogError(exception, "Unhandled exception");
                return false;
            }

            var status = badRequest.StatusCode;
            context.Response.StatusCode = status;
            var problem = new Microsoft.AspNetCore.Mvc.ProblemDetails { Status = status };
            if (status == StatusCodes.Status413PayloadTooLarge)
            {
                problem.Title = "The request body is too large.";
                problem.Type = Problems.TypeFor(Problems.PayloadTooLarge);
                problem.Extensions["code"] = Problems.PayloadTooLarge;
            }
            else
            {
                var json = FindJsonException(badRequest);
                problem.Title = json is null ? "The request is malformed." : "The request body is not valid JSON for this endpoint.";
                problem.Detail = json?.Message ?? badRequest.Message;
                var code = json is null ? Problems.BadRequest : Problems.MalformedJson;
                problem.Type = Problems.TypeFor(code);
                problem.Extensions["code"] = code;
                if (json?.Path is { } path)
                {
                    problem.Extensions["errors"] = new Dictionary<string, string[]>
                    {
                        [JsonPathToPointer(path)] = [json.Message],
                    };
                }
            }

            return await problemDetails.TryWriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails = problem,
                Exception = exception,
            });
        }

        private static JsonException? FindJsonException(Exception? exception)
        {
            for (; exception is not null; exception = exception.InnerException)
            {
                if (exception is JsonException json)
                {
                    return json;
                }
            }

            return null;
        }
    }

    /// <summary>"$.steps[0].id" → "/steps/0/id": field paths are JSON Pointers everywhere in the API.</summary>
    public static string JsonPathToPointer(string path)
    {
        var segments = path.TrimStart('$').Replace("[", ".").Replace("]", "").Replace("'", "")
            .Split('.', StringSplitOptions.RemoveEmptyEntries);
        return "/" + string.Join('/', segments);
    }
}
