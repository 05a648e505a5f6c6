using System.Net;
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
/// still have taken effect on the other side, so the problem of a write says whether it is safe to repeat as is.
/// </summary>
internal sealed class DependencyExceptionHandler(ILogger<DependencyExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (!IsDependencyFailure(exception) || context.RequestAborted.IsCancellationRequested || context.Response.HasStarted)
        {
            return false;
        }

        // A refused or reset connection is the dependency being away; a timeout or an error Postgres reported (a slow
        // query, an exhausted pool, a full disk) is more likely ours, so it is logged as an error.
        var level = Chain(exception).Any(e => e is TimeoutException or PostgresException) ? LogLevel.Error : LogLevel.Warning;
        logger.Log(level, exception, "A dependency of {Method} {Path} is unavailable", context.Request.Method, context.Request.Path);
        await Problems.Unavailable("A service this request needs is unavailable.", Advice(context.Request)).ExecuteAsync(context);
        return true;
    }

    /// <summary>A write may have reached the other side: only a request that carries an Idempotency-Key is safe to repeat as is.</summary>
    private static string Advice(HttpRequest request) =>
        HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) ? "Try again shortly."
        : request.Headers.ContainsKey("Idempotency-Key") ? "Try again shortly. The write may have taken effect: repeat it with the same Idempotency-Key."
        : "Try again shortly. The write may have taken effect: check before repeating it.";

    /// <summary>
    /// Polly's timeout and open-circuit rejections, a transport failure, another service answering that it is
    /// unavailable (EnsureSuccessStatusCode of a 502/503/504), or a transient database failure, anywhere in the chain
    /// (EF wraps what Npgsql throws). Any other answer a service gave stays a 500: that is a bug to see.
    /// </summary>
    internal static bool IsDependencyFailure(Exception? exception) =>
        Chain(exception).Any(e => e is ExecutionRejectedException or NpgsqlException { IsTransient: true }
            or HttpRequestException { StatusCode: null or HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout }
            || e is PostgresException { SqlState: var state } && IsConnectionLost(state));

    /// <summary>The server ending or refusing the session (class 08, and 57P01–57P03: shutting down, crashed, starting up).</summary>
    private static bool IsConnectionLost(string sqlState) =>
        sqlState.StartsWith("08", StringComparison.Ordinal)
        || sqlState is PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow;

    private static IEnumerable<Exception> Chain(Exception? exception)
    {
        for (; exception is not null; exception = exception.InnerException)
        {
            yield return exception;
        }
    }
}
