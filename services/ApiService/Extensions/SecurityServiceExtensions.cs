using AgentOrchestration.ApiService.Gateway;
using AgentOrchestration.ApiService.Security;
using AgentOrchestration.ServiceCommon.Security;
using Microsoft.AspNetCore.Authentication;

namespace AgentOrchestration.ApiService.Extensions;

public static class SecurityServiceExtensions
{
    /// <summary>API keys, roles and per-key rate limits for every public endpoint, proxied or not: auth lives here, once.</summary>
    public static void AddApiSecurity(this IHostApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(SecurityOptions.Section);
        var security = section.Get<SecurityOptions>() ?? new SecurityOptions();
        builder.Services.Configure<SecurityOptions>(section);
        builder.Services.AddSingleton<KeyResolver>();
        builder.Services.AddHostedService<AgentChangeSubscriber>();
        builder.Services.AddAuthentication(ApiKeyAuthentication.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthentication>(ApiKeyAuthentication.SchemeName, null);
        builder.Services.AddAuthorization(Policies.Configure);
        builder.Services.AddRateLimiter(limiter => RateLimits.Configure(limiter, security));
    }

    public static WebApplication UseApiSecurity(this WebApplication app)
    {
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        return app;
    }

    /// <summary>The proxy with the caller headers and the agent scoping in front of YARP's own steps.</summary>
    public static void AddGateway(this IHostApplicationBuilder builder)
    {
        var internalCredential = builder.Configuration[InternalCredential.ConfigKey];
        builder.Services.AddReverseProxy()
            .LoadFromMemory(GatewayRoutes.Routes, GatewayRoutes.Clusters)
            .AddTransforms(context => CallerTransforms.Add(context, internalCredential))
            // A service that is down refuses the connection at once; one that cannot be reached must not hold the
            // request either (YARP's default connect timeout is unlimited).
            .ConfigureHttpClient((_, handler) => handler.ConnectTimeout = GatewayRoutes.ConnectTimeout)
            .AddServiceDiscoveryDestinationResolver();
    }

    public static WebApplication MapGateway(this WebApplication app)
    {
        app.MapReverseProxy(proxy =>
        {
            proxy.Use((context, next) => DependencyErrors.InvokeAsync(context, next));
            proxy.Use((context, next) => AgentScope.InvokeAsync(context, next));
            proxy.Use((context, next) => KnownTask.InvokeAsync(context, next));
            proxy.UseSessionAffinity();
            proxy.UseLoadBalancing();
            proxy.UsePassiveHealthChecks();
        });
        return app;
    }
}
