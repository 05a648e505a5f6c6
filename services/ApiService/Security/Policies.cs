using AgentOrchestration.ServiceCommon.Contracts;
using Microsoft.AspNetCore.Authorization;

namespace AgentOrchestration.ApiService.Security;

/// <summary>
/// Three rights. Every endpoint needs a key unless it says AllowAnonymous (the fallback policy); reads are open to
/// every role (an agent's reads are narrowed to its own things by <see cref="AgentScope"/> and the handlers);
/// "operate" (run tasks, call tools, /mcp) is for admins and agents; everything else is admin-only.
/// </summary>
public static class Policies
{
    public const string Read = "read";
    public const string Operate = "operate";
    public const string Admin = "admin";

    public static void Configure(AuthorizationOptions options)
    {
        var authenticated = new AuthorizationPolicyBuilder(ApiKeyAuthentication.SchemeName).RequireAuthenticatedUser().Build();
        options.FallbackPolicy = authenticated;
        options.AddPolicy(Read, authenticated);
        options.AddPolicy(Operate, policy => policy.AddAuthenticationSchemes(ApiKeyAuthentication.SchemeName).RequireRole(Roles.Admin, Roles.Agent));
        options.AddPolicy(Admin, policy => policy.AddAuthenticationSchemes(ApiKeyAuthentication.SchemeName).RequireRole(Roles.Admin));
    }
}
