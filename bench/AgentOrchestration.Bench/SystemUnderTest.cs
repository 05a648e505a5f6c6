using System.Diagnostics;
using AgentOrchestration.AppHost;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;

namespace AgentOrchestration.Bench;

/// <summary>
/// The whole real system, started from the AppHost with Aspire.Hosting.Testing exactly as the end-to-end tests do:
/// local Postgres and Redis on a fresh data folder, the five services (two TaskService replicas), ports chosen by DCP.
/// The only changes to the model are the ApiService's abuse limits, raised so that they do not cap the load
/// generator, and (by default) no web dashboard dev server, which is on no measured path.
/// </summary>
public sealed class SystemUnderTest : IAsyncDisposable
{
    public static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(8);

    private readonly string _dataDir;

    private SystemUnderTest(DistributedApplication app, string dataDir, Uri api, TimeSpan coldStart, TimeSpan start)
    {
        App = app;
        _dataDir = dataDir;
        ApiBase = api;
        ColdStartup = coldStart;
        Startup = start;
    }

    public DistributedApplication App { get; }

    /// <summary>The public gateway (the DCP proxy in front of both ApiService replicas).</summary>
    public Uri ApiBase { get; }

    /// <summary>From the AppHost's first line (including initdb of the fresh data folder) to every service healthy.</summary>
    public TimeSpan ColdStartup { get; }

    /// <summary>From DistributedApplication.StartAsync (the model built, the cluster initialised) to every service healthy.</summary>
    public TimeSpan Startup { get; }

    public static async Task<SystemUnderTest> StartAsync(string adminKey, bool withWeb, bool verbose, int taskReplicas, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(StartTimeout);
        var dataDir = Path.Combine(Path.GetTempPath(), $"ao-bench-{Guid.NewGuid():N}");
        var cold = Stopwatch.StartNew();
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AgentOrchestration_AppHost>(
            [$"--Infrastructure:DataDir={dataDir}", "--Ports:Api=0", "--Ports:Web=0", $"--Parameters:admin-api-key={adminKey}",
                $"--Tasks:Replicas={taskReplicas}"],
            cts.Token);
        if (!verbose)
        {
            // The services' own logs and the start-up health probes (which fail until a service listens) would
            // bury the benchmark's output; --verbose shows them.
            builder.Configuration["Logging:LogLevel:Default"] = "Warning";
            builder.Configuration["Logging:LogLevel:AgentOrchestration.AppHost.Resources"] = "None";
            builder.Configuration["Logging:LogLevel:Microsoft.Extensions.Diagnostics.HealthChecks"] = "None";
            builder.Configuration["Logging:LogLevel:Aspire.Hosting.Dcp"] = "Error";
        }

        // No dashboard runs here to receive telemetry; exporting into the void would be measured as the system's cost.
        builder.WithoutTelemetryExport();
        var api = builder.Resources.OfType<ProjectResource>().Single(r => r.Name == ResourceNames.ApiService);
        builder.CreateResourceBuilder(api).WithEnvironment(context =>
        {
            // The admin key is also set directly, so the bench works whether or not the AppHost wires the parameter.
            context.EnvironmentVariables["Security__AdminApiKey"] = adminKey;
            context.EnvironmentVariables["Security__RateLimit__PermitsPerSecond"] = "1000000";
            context.EnvironmentVariables["Security__RateLimit__Burst"] = "1000000";
            context.EnvironmentVariables["Security__RateLimit__AdminPermitsPerSecond"] = "1000000";
            context.EnvironmentVariables["Security__RateLimit__AdminBurst"] = "1000000";
        });
        var tasks = builder.Resources.OfType<ProjectResource>().Single(r => r.Name == ResourceNames.TaskService);
        builder.CreateResourceBuilder(tasks).WithEnvironment("Tasks__MaxInFlightPerAgent", "1000000");

        if (!withWeb)
        {
            foreach (var web in builder.Resources.Where(r => r.Name is ResourceNames.Web or ResourceNames.WebInstall).ToList())
            {
                builder.Resources.Remove(web);
            }
        }

        var app = await builder.BuildAsync(cts.Token);
        var start = Stopwatch.StartNew();
        try
        {
            await app.StartAsync(cts.Token);
            foreach (var resource in ResourceNames.Services)
            {
                await app.ResourceNotifications.WaitForResourceHealthyAsync(resource, cts.Token);
            }

            if (withWeb)
            {
                await app.ResourceNotifications.WaitForResourceHealthyAsync(ResourceNames.Web, cts.Token);
            }
        }
        catch
        {
            // Stop what did start (DCP, Postgres, the services): nothing may outlive a failed benchmark.
            await app.DisposeAsync();
            throw;
        }

        return new SystemUnderTest(app, dataDir, app.GetEndpoint(ResourceNames.ApiService, "http"), cold.Elapsed, start.Elapsed);
    }

    public Task<string?> ConnectionStringAsync(string name, CancellationToken cancellationToken) =>
        App.GetConnectionStringAsync(name, cancellationToken).AsTask();

    public async ValueTask DisposeAsync()
    {
        await App.DisposeAsync();
        try
        {
            Directory.Delete(_dataDir, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Leftover temp data is harmless.
        }
    }
}
