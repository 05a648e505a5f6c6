using Polly;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// What every service of the system shares: OpenTelemetry to the Aspire dashboard, health endpoints,
/// service discovery and standard resilience for outgoing HTTP.
/// </summary>
public static class ServiceDefaultsExtensions
{
    public const string HealthEndpointPath = "/health";
    public const string AlivenessEndpointPath = "/alive";

    /// <summary>Activity sources of our own code; added to tracing so custom spans reach the dashboard.</summary>
    public const string ActivitySourceName = "AgentOrchestration";

    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.ConfigureOpenTelemetry();
        builder.AddDefaultHealthChecks();

        builder.Services.AddServiceDiscovery();
        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            // Retrying a POST that may have reached the other side could do it twice; callers that can retry
            // safely (idempotency keys, tool invocations) do so themselves.
            http.AddStandardResilienceHandler(options =>
            {
                // The services share a host: a blip (a replica restarting) is over in moments, and a longer outage is
                // the caller's 503 to decide on, not a wait of Retry-After (5 s) per attempt inside someone's request.
                options.Retry.MaxRetryAttempts = 2;
                options.Retry.Delay = TimeSpan.FromMilliseconds(200);
                options.Retry.ShouldRetryAfterHeader = false;
                var transient = options.Retry.ShouldHandle;
                options.Retry.ShouldHandle = async args =>
                    args.Context.GetRequestMessage() is { } request && RetryableRequests.MayRetry(request) && await transient(args);
            });
            http.AddServiceDiscovery();
        });

        builder.Services.AddProblemDetails();
        return builder;
    }

    /// <summary>The log category of IHttpClientFactory's clients: two Information lines per request, and one per handler.</summary>
    private const string HttpClientLogCategory = "System.Net.Http.HttpClient";

    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        // Every request between services logged "Start processing"/"Sending"/"Received"/"End processing" at Information:
        // 8 of the 14 log lines of one echo task. Failures still log (Warning and up); the request spans carry the rest.
        // A setting for the category (Logging:LogLevel:System.Net.Http.HttpClient) takes precedence.
        if (builder.Configuration[$"Logging:LogLevel:{HttpClientLogCategory}"] is null)
        {
            builder.Logging.AddFilter(HttpClientLogCategory, LogLevel.Warning);
        }

        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter(ActivitySourceName))
            .WithTracing(tracing => tracing
                .AddSource(builder.Environment.ApplicationName, ActivitySourceName)
                .AddAspNetCoreInstrumentation(options =>
                    // Probes run every few seconds; tracing them would bury the real requests.
                    options.Filter = context =>
                        !context.Request.Path.StartsWithSegments(HealthEndpointPath)
                        && !context.Request.Path.StartsWithSegments(AlivenessEndpointPath))
                .AddHttpClientInstrumentation()
                .AddProcessor(new IdlePollSpanFilter()));

        // The AppHost sets OTEL_EXPORTER_OTLP_ENDPOINT to the Aspire dashboard; without it nothing is exported.
        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            builder.Services.AddOpenTelemetry().UseOtlpExporter();
        }

        return builder;
    }

    public static TBuilder AddDefaultHealthChecks<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy(), ["live"]);
        return builder;
    }

    /// <summary>
    /// Maps /health (every check: ready to take traffic) and /alive (only the "live" checks: the process works).
    /// Both stay open in every environment: orchestrators and the gateway's /status probe them.
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        // Probes stay open where the API requires keys: the orchestrator and load balancers carry none.
        app.MapHealthChecks(HealthEndpointPath).AllowAnonymous();
        app.MapHealthChecks(AlivenessEndpointPath, new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains("live"),
        }).AllowAnonymous();
        return app;
    }
}
