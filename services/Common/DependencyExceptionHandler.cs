using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Npgsql;
using Polly;

namespace AgentOrchestration.ServiceCommon;

/// <summary>
/// A call to another service that timed out, met an open circuit or could not connect, or a database connection that
/// failed (Postgres stopped, restarting, failing over), that its endpoint did not handle itself, leaves as 503
/// <c>dependency_unavailable</c> with Retry-After: the caller can tell "try again" from a bug (500). A write may
/// still have taken effect on the other side, so the problem of a write says to retry with the same Idempotency-Key.
/// </summary>
internal sealed class DependencyExceptionHandler(
    IProblemDetailsService problemDetails, ILogger<DependencyExceptionHandler> logger) : IExceptionHandler
{
    public const string RetryAfterSeconds = "5";

    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (!IsDependencyFailure(exception) || context.RequestAborted.IsCancellationRequested || context.Response.HasStarted)
        {
            return false;
        }

        logger.LogWarning(exception, "A dependency of {Method} {Path} did not answer", context.Request.Method, context.Request.Path);
        context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        context.Response.Headers.RetryAfter = RetryAfterSeconds;
        var problem = new Microsoft.AspNetCore.Mvc.ProblemDetails
        {
            Status = StatusCodes.Status503ServiceUnavailable,
            Title = "A service this request needs is unavailable.",
            Detail = HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method)
                ? "Try again shortly."
                : "Try again shortly. A write may have taken effect: retry it with the same Idempotency-Key.",
            Type = Problems.TypeFor(Problems.DependencyUnavailable),
        };
        problem.Extensions["code"] = Problems.DependencyUnavailable;
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem, Exception = exception });
    }

    /// <summary>
    /// Polly's timeout and open-circuit rejections, a transport failure (no status: an answer is not one) or a
    /// transient database failure, anywhere in the chain (EF wraps what Npgsql throws).
    /// </summary>
    internal static bool IsDependencyFailure(Exception? exception)
    {
        for (; exception is not null; exception = exception.InnerException)
        {
            if (exception is ExecutionRejectedException or HttpRequestException { StatusCode: null } or NpgsqlException { IsTransient: true })
            {
                return true;
            }
        }

        return false;
    }
}
