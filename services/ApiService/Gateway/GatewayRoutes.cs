using Yarp.ReverseProxy.Configuration;

namespace AgentOrchestration.ApiService.Gateway;

/// <summary>
/// The other services' public APIs, served from this origin by YARP. Their routes have a higher Order than the
/// ApiService's own endpoints, so an endpoint defined here (POST /agents checks tools first) wins over the proxy.
/// Destinations are service-discovery names, resolved from the variables the AppHost injects.
/// </summary>
public static class GatewayRoutes
{
    private const int ProxyOrder = 100;

    public static IReadOnlyList<RouteConfig> Routes { get; } =
    [
        Route("agents", "agents", "/agents/{**rest}"),
        Route("tools", "tools", "/tools/{**rest}"),
        Route("tool-sources", "tools", "/tool-sources/{**rest}"),
        Route("mcp", "tools", "/mcp/{**rest}"),
        Route("task-logs", "logging", "/tasks/{taskId}/logs/{**rest}"),
        Route("logs", "logging", "/logs/{**rest}"),
    ];

    public static IReadOnlyList<ClusterConfig> Clusters { get; } =
    [
        Cluster("agents"),
        Cluster("tools"),
        Cluster("logging"),
    ];

    private static RouteConfig Route(string id, string cluster, string path) => new()
    {
        RouteId = id,
        ClusterId = cluster,
        Order = ProxyOrder,
        Match = new RouteMatch { Path = path },
    };

    private static ClusterConfig Cluster(string service) => new()
    {
        ClusterId = service,
        Destinations = new Dictionary<string, DestinationConfig>
        {
            [service] = new() { Address = $"http://{service}" },
        },
    };
}
