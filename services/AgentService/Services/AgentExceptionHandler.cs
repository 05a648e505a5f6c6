using AgentOrchestration.ServiceCommon;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace AgentOrchestration.AgentService.Services;

/// <summary>Maps the service's domain exceptions to problem responses.</summary>
public sealed class AgentExceptionHandler(IProblemDetailsService problemDetails) : IExceptionHandler
{
    public const string IdempotencyKeyReusedCode = "idempotency_key_reused";

    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not IdempotencyKeyReusedException reused)
        {
            return false;
        }

        context.Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            Exception = exception,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status422UnprocessableEntity,
                Title = "The Idempotency-Key was already used with a different request.",
                Detail = reused.Message,
                Type = Problems.TypeFor(IdempotencyKeyReusedCode),
                Extensions = { ["code"] = IdempotencyKeyReusedCode },
            },
        });
    }
}
