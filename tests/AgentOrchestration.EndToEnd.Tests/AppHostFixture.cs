using AgentOrchestration.TestSupport;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Polly;

[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace AgentOrchestration.EndToEnd.Tests;

/// <summary>
/// The real AppHost, started once for the whole collection: local Postgres and Redis (or containers where a
/// runtime exists), the five services (the TaskService as two replicas), and the web dashboard. Its data lives in a
/// temp folder and its ports are chosen by DCP, so it never clashes with an instance a developer is running.
/// </summary>
public sealed class AppHostFixture : IAsyncLifetime
{
    public static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(4);

    /// <summary>The admin key every started system gets (the AppHost parameter admin-api-key).</summary>
    public static readonly string AdminApiKey = $"test-admin-{Guid.NewGuid():N}";


    public string DataDir { get; } = Path.Combine(Path.GetTempPath(), $"ao-e2e-{Guid.NewGuid():N}");

    public DistributedApplication App { get; private set; } = null!;

    public HttpClient Api { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        App = await StartAsync(DataDir, smallLimits: true);
        Api = CreateApiClient(App);
    }

    public async Task DisposeAsync()
    {
        await App.DisposeAsync();
        TryDelete(DataDir);
    }

    /// <summary>
    /// Polls GET /status (always 200) until the overall status is the expected one; returns the last body.
    /// Health settles within seconds of start-up, so the wait is bounded and the last answer is asserted on.
    /// </summary>
    public async Task<System.Text.Json.JsonElement> WaitForStatusAsync(string expected, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (true)
        {
            var response = await Api.GetAsync("/status");
            Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
            var status = await response.ReadJsonAsync();
            if (status.GetProperty("status").GetString() == expected || DateTime.UtcNow > deadline)
            {
                Assert.True(expected == status.GetProperty("status").GetString(), $"status never became {expected}: {status}");
                return status;
            }

            await Task.Delay(500);
        }
    }

    /// <summary>
    /// Starts the AppHost on a data folder and waits until every resource is healthy. With <paramref name="smallLimits"/>
    /// the per-key rate of non-admin keys and the unfinished tasks per agent are small, so the limit tests can exhaust them.
    /// <paramref name="settings"/> are more AppHost settings (--Key=value).
    /// </summary>
    public static async Task<DistributedApplication> StartAsync(string dataDir, bool smallLimits = false, params string[] settings)
    {
        using var cts = new CancellationTokenSource(StartTimeout);
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AgentOrchestration_AppHost>(
            [$"--Infrastructure:DataDir={dataDir}", "--Ports:Api=0", "--Ports:Web=0",
                $"--Parameters:{ResourceNames.AdminApiKey}={AdminApiKey}", $"--Parameters:{ResourceNames.OutboundAllowList}={ServerProcess.ToolHost}", .. settings],
            cts.Token);
        builder.Services.ConfigureHttpClientDefaults(http => http.AddStandardResilienceHandler(ConfigureTestClient));
        builder.WithoutTelemetryExport(); // the test builder runs no dashboard to receive it
        if (smallLimits)
        {
            var api = builder.Resources.OfType<ProjectResource>().Single(r => r.Name == ResourceNames.ApiService);
            builder.CreateResourceBuilder(api)
                .WithEnvironment("Security__RateLimit__PermitsPerSecond", "20")
                .WithEnvironment("Security__RateLimit__Burst", "40");
            var tasks = builder.Resources.OfType<ProjectResource>().Single(r => r.Name == ResourceNames.TaskService);
            builder.CreateResourceBuilder(tasks).WithEnvironment("Tasks__MaxInFlightPerAgent", "10");
        }

        var app = await builder.BuildAsync(cts.Token);
        var stage = "StartAsync";
        try
        {
            await app.StartAsync(cts.Token);
            foreach (var resource in (string[])[.. ResourceNames.Services, ResourceNames.Web])
            {
                stage = $"waiting for {resource} to be healthy";
                await app.ResourceNotifications.WaitForResourceHealthyAsync(resource, cts.Token);
            }
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            // Say where it stuck and what every resource was doing, then stop what did start, so the next test
            // gets a machine without this system's processes on it.
            string report;
            try
            {
                report = await DescribeAsync(app);
            }
            catch (Exception ex)
            {
                report = $"(the resources could not be described: {ex.Message})";
            }

            await app.DisposeAsync();
            throw new TimeoutException($"The AppHost on {dataDir} did not start within {StartTimeout} ({stage}).\n{report}");
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        return app;
    }

    /// <summary>Each resource's state, health and exit code, with the last lines it wrote.</summary>
    private static async Task<string> DescribeAsync(DistributedApplication app)
    {
        var report = new System.Text.StringBuilder();
        foreach (var resource in app.Services.GetRequiredService<DistributedApplicationModel>().Resources)
        {
            if (app.ResourceNotifications.TryGetCurrentState(resource.Name, out var current))
            {
                var snapshot = current.Snapshot;
                report.AppendLine($"{resource.Name}: {snapshot.State?.Text ?? "no state"}, health {snapshot.HealthStatus?.ToString() ?? "none"}, exit code {snapshot.ExitCode?.ToString() ?? "none"}");
            }
        }

        var lines = await ResourceLogs.CollectAsync(app, TimeSpan.FromSeconds(1));
        foreach (var group in lines.GroupBy(line => line[..line.IndexOf(':')]))
        {
            report.AppendLine($"-- last lines of {group.Key}:");
            foreach (var line in group.TakeLast(12))
            {
                report.AppendLine(line);
            }
        }

        return report.ToString();
    }

    /// <summary>
    /// The tests' client: a request that stalls on two loaded cores (a cold path right after a start, a parallel test
    /// assembly's burst) is slow, not failed, so an attempt may take a minute; the breaker never cuts a test's request
    /// off. A write is retried only when it carries an Idempotency-Key: a retried POST that reached the system the
    /// first time would otherwise be done twice (and answer 409).
    /// </summary>
    private static void ConfigureTestClient(HttpStandardResilienceOptions options)
    {
        options.AttemptTimeout.Timeout = TimeSpan.FromSeconds(60);
        options.TotalRequestTimeout.Timeout = TimeSpan.FromSeconds(180);
        options.CircuitBreaker.SamplingDuration = TimeSpan.FromSeconds(120); // at least twice the attempt timeout
        options.CircuitBreaker.ShouldHandle = _ => PredicateResult.False();
        var transient = options.Retry.ShouldHandle;
        options.Retry.ShouldHandle = async args => args.Context.GetRequestMessage() is { } request
            && (request.Method == HttpMethod.Get || request.Method == HttpMethod.Head || request.Headers.Contains("Idempotency-Key"))
            && await transient(args);
    }

    /// <summary>A client of the public API that sends this key (the admin key unless another is given; null sends none).</summary>
    public static HttpClient CreateApiClient(DistributedApplication app, string? key = null, bool anonymous = false)
    {
        var client = app.CreateHttpClient(ResourceNames.ApiService, "http");
        if (!anonymous)
        {
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key ?? AdminApiKey);
        }

        return client;
    }

    public HttpClient CreateApiClient(string? key = null, bool anonymous = false) => CreateApiClient(App, key, anonymous);

    public static void TryDelete(string dir)
    {
        try
        {
            Directory.Delete(dir, recursive: true);
        }
        catch (IOException)
        {
            // Leftover temp data is harmless.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}

[CollectionDefinition(Name)]
public sealed class SystemCollection : ICollectionFixture<AppHostFixture>
{
    public const string Name = "System";
}
