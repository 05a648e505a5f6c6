namespace Aspire.Hosting;

public static class ServiceExtensions
{
    /// <summary>
    /// Pins the http endpoint to a port people type into a browser or curl. 0 leaves the choice to DCP,
    /// which the tests use so that they never clash with a running instance.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithPublicPort(this IResourceBuilder<ProjectResource> project, int port)
    {
        if (port > 0 && project.ApplicationBuilder.ExecutionContext.IsRunMode)
        {
            project.WithEndpoint("http", endpoint => endpoint.Port = port);
        }

        return project;
    }
}
