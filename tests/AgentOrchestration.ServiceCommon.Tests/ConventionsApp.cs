using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;

namespace AgentOrchestration.ServiceCommon.Tests;

/// <summary>An in-memory app with the problem conventions every service runs (AddProblemConventions/UseProblemConventions).</summary>
internal static class ConventionsApp
{
    public static async Task<WebApplication> StartAsync(Action<WebApplication> mapEndpoints)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.AddProblemConventions();
        var app = builder.Build();
        app.UseProblemConventions();
        mapEndpoints(app);
        await app.StartAsync();
        return app;
    }
}
