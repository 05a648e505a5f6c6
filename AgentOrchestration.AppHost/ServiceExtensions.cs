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
    /// 40 s+ instead of answering 503 at once (a stopped service refuses the connection). The port is free when
    /// picked, and below the kernel's ephemeral range, see <see cref="FreeTcpPort"/>.
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

    /// <summary>
    /// A free port below the ephemeral range. Outbound connections take their source ports from that range, so a
    /// port picked inside it (what binding port 0 gives) can be taken by one of them between the pick and the
    /// service's bind, or while the service restarts; then the service cannot listen and stays down.
    /// </summary>
    private static int FreeTcpPort()
    {
        var ephemeralLow = EphemeralRangeStart();
        var low = Math.Max(1024, ephemeralLow - 12_000);
        for (var attempt = 0; attempt < 200 && low < ephemeralLow; attempt++)
        {
            var port = Random.Shared.Next(low, ephemeralLow);
            try
            {
                using var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, port);
                probe.Start();
                return port;
            }
            catch (System.Net.Sockets.SocketException)
            {
                // Taken: try another.
            }
        }

        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static int EphemeralRangeStart()
    {
        const string range = "/proc/sys/net/ipv4/ip_local_port_range";
        return File.Exists(range) && int.TryParse(File.ReadAllText(range).Split((char[])['\t', ' '], StringSplitOptions.RemoveEmptyEntries)[0], out var start)
            ? start
            : 32_768; // Linux's default; Windows and macOS start at 49152, which this stays below as well
    }
}
