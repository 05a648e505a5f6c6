using AgentOrchestration.ApiService.Security;
using AgentOrchestration.ApiService.Services;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AgentOrchestration.ApiService.Apis;

public static class StatusApi
{
    public static IEndpointRouteBuilder MapStatusApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/status", GetStatus).WithName("GetStatus").WithTags("System").RequireAuthorization(Policies.Read);
        return app;
    }

    /// <summary>Always 200 while the ApiService runs; the body says what is healthy.</summary>
    public static async Task<Ok<SystemStatus>> GetStatus(StatusProbe probe, CancellationToken cancellationToken) =>
        TypedResults.Ok(await probe.GetAsync(cancellationToken));
}
