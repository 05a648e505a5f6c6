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

    /// <summary>
    /// An internal service with one instance is reached on its own port, not through DCP's proxy: the proxy goes on
    /// accepting connections while the service is stopped and holds them until it is back, so the gateway hung for
    /// 40 s+ instead of answering 503 at once (a stopped service refuses the connection). The port is one the OS
    /// hands out as free, so systems running side by side never share one.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithDirectEndpoint(this IResourceBuilder<ProjectResource> project)
    {
        if (project.ApplicationBuilder.ExecutionContext.IsRunMode)
        {
            project.WithEndpoint("http", endpoint =>
            {
                endpoint.IsProxied = false;
                endpoint.Port = FreeTcpPort();
                endpoint.TargetPort = endpoint.Port;
            });
        }

        return project;
    }

    private static int FreeTcpPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
