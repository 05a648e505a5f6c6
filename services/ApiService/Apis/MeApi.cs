using AgentOrchestration.ApiService.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AgentOrchestration.ApiService.Apis;

/// <summary>Who the presented key belongs to; the dashboard signs in with it and hides what the role cannot do.</summary>
public sealed record Me(string Role, Guid? AgentId, string? AgentName);

public static class MeApi
{
    public static IEndpointRouteBuilder MapMeApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/me", GetMe).WithName("GetMe").WithTags("System").RequireAuthorization(Policies.Read)
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        return app;
    }

    public static Ok<Me> GetMe(HttpContext context)
    {
        var caller = context.User.ToCaller();
        return TypedResults.Ok(new Me(caller.Role!, caller.AgentId, caller.AgentName));
    }
}
