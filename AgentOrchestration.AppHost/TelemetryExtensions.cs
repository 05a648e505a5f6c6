namespace Aspire.Hosting;

public static class TelemetryExtensions
{
    /// <summary>
    /// For runs without the Aspire dashboard (the end-to-end tests, the benchmark): Aspire still hands every service an
    /// OTLP endpoint, nothing listens on it, and each exporter then spends CPU every second failing, queueing and
    /// retrying its batch — a fifth of the ApiService's CPU under load, by dotnet-trace. Without the endpoint the
    /// services keep their traces and metrics in-process and export nothing.
    /// </summary>
    public static IDistributedApplicationBuilder WithoutTelemetryExport(this IDistributedApplicationBuilder builder)
    {
        foreach (var project in builder.Resources.OfType<ProjectResource>())
        {
            builder.CreateResourceBuilder(project).WithEnvironment(context => context.EnvironmentVariables.Remove("OTEL_EXPORTER_OTLP_ENDPOINT"));
        }

        return builder;
    }
}
