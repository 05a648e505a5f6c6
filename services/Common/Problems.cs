using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AgentOrchestration.ServiceCommon;

/// <summary>
/// RFC 9457 problem responses with a stable machine-readable <c>code</c>. The <c>type</c> is the relative URI
/// <c>/problems/{code}</c>, so clients can switch on either.
/// </summary>
public static class Problems
{
    public const string ValidationFailed = "validation_failed";
    public const string MalformedJson = "malformed_json";
    public const string BadRequest = "bad_request";
    public const string PayloadTooLarge = "payload_too_large";
    public const string NotFoundCode = "not_found";
    public const string Conflict = "conflict";
    public const string PreconditionFailed = "precondition_failed";
    public const string Internal = "internal_error";
    public const string DependencyUnavailable = "dependency_unavailable";

    public static string TypeFor(string code) => $"/problems/{code}";

    public static ProblemHttpResult Problem(int status, string code, string title, string? detail = null,
        IDictionary<string, object?>? extensions = null)
    {
        var all = new Dictionary<string, object?>(extensions ?? new Dictionary<string, object?>()) { ["code"] = code };
        return TypedResults.Problem(detail, statusCode: status, title: title, type: TypeFor(code), extensions: all);
    }

    /// <summary>400 with the offending field paths (JSON Pointers) as the keys of <c>errors</c>.</summary>
    public static ValidationProblem Validation(IDictionary<string, string[]> errors, string? detail = null) =>
        TypedResults.ValidationProblem(errors, detail, title: "The request is invalid.", type: TypeFor(ValidationFailed),
            extensions: new Dictionary<string, object?> { ["code"] = ValidationFailed });

    public static ProblemHttpResult NotFound(string what, string key) =>
        Problem(StatusCodes.Status404NotFound, NotFoundCode, $"{what} not found.", $"No {what.ToLowerInvariant()} '{key}' exists.");

    /// <summary>How long a client should wait before repeating a request that met a dependency away (seconds).</summary>
    public const string RetryAfterSeconds = "5";

    /// <summary>503 <c>dependency_unavailable</c> with Retry-After: a service or database this request needs is away.</summary>
    public static IResult Unavailable(string title, string detail) =>
        new WithRetryAfter(Problem(StatusCodes.Status503ServiceUnavailable, DependencyUnavailable, title, detail));

    private sealed class WithRetryAfter(IResult problem) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.RetryAfter = RetryAfterSeconds;
            return problem.ExecuteAsync(httpContext);
        }
    }
}
