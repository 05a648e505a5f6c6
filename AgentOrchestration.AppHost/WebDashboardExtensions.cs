using AgentOrchestration.AppHost;

namespace Aspire.Hosting;

public static class WebDashboardExtensions
{
    /// <summary>
    /// The React dashboard. In run mode Vite's dev server serves it and proxies API calls to the ApiService
    /// (found through the services__api__http__0 variable); in publish mode it is a container built from web/Dockerfile.
    /// Aspire's JavaScript hosting package is not served by the registry here, hence plain executables.
    /// </summary>
    public static IResourceBuilder<ExecutableResource> AddWebDashboard(
        this IDistributedApplicationBuilder builder, IResourceBuilder<ProjectResource> api, int port)
    {
        var webDir = Path.GetFullPath(Path.Combine(builder.AppHostDirectory, "..", "web"));

        var web = builder.AddExecutable(ResourceNames.Web, "npm", webDir, "run", "dev")
            .WithHttpEndpoint(port: port > 0 ? port : null, env: "PORT", isProxied: false)
            .WithExternalHttpEndpoints()
            .WithReference(api).WaitFor(api)
            .PublishAsDockerFile();

        if (builder.ExecutionContext.IsRunMode)
        {
            // npm ci only when the lock file changed since the last install, so a restart costs nothing.
            var install = builder.AddExecutable(ResourceNames.WebInstall, "sh", webDir, "-c",
                    "[ node_modules/.package-lock.json -nt package-lock.json ] || npm ci --no-audit --no-fund")
                .ExcludeFromManifest();
            web.WaitForCompletion(install);
        }

        return web;
    }
}
