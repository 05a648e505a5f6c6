using AgentOrchestration.ApiService.Security;
using Yarp.ReverseProxy.Configuration;

namespace AgentOrchestration.ApiService.Gateway;

/// <summary>
/// The other services' public APIs, served from this origin by YARP, each route with the right it needs. Proxy routes
/// have a higher Order than the ApiService's own endpoints, so an endpoint defined here (POST /agents checks tools
/// first) wins over the proxy. Destinations are service-discovery names, resolved from the AppHost's variables.
/// </summary>
public static class GatewayRoutes
{
    private const int ProxyOrder = 100;
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(3);

    /// <summary>
    /// How long a forwarded exchange may go without a byte moving. YARP's default of 100 s would cut a tool call that
    /// is allowed up to 10 minutes (and invite the client to repeat a POST); log streams send a heartbeat every 15 s.
    /// </summary>
    // A property, not a field: the route and cluster tables below are built by static initializers, which run in
    // textual order, so a field declared after them would still be zero when they read it (every call timed out).
    public static TimeSpan ActivityTimeout => TimeSpan.FromMinutes(11);
    private static readonly string[] Get = ["GET", "HEAD"];
    private static readonly string[] Writes = ["POST", "PUT", "PATCH", "DELETE"];

    public static IReadOnlyList<RouteConfig> Routes { get; } =
    [
        Route(AgentScope.AgentsRead, "agents", "/agents/{**rest}", Policies.Read, Get),
        Route("agent-keys", "agents", "/agents/{idOrName}/keys", Policies.Operate, ["POST"]),
        Route("agents-write", "agents", "/agents/{**rest}", Policies.Admin, Writes),
        Route("api-keys", "agents", "/api-keys/{**rest}", Policies.Admin),
        Route(AgentScope.ToolsRead, "tools", "/tools/{**rest}", Policies.Read, Get),
        Route("tools-invoke", "tools", "/tools/{name}/invoke", Policies.Operate, ["POST"]),
        Route("tools-write", "tools", "/tools/{**rest}", Policies.Admin, Writes),
        Route("tool-sources-read", "tools", "/tool-sources/{**rest}", Policies.Read, Get),
        Route("tool-sources-write", "tools", "/tool-sources/{**rest}", Policies.Admin, Writes),
        Route("mcp", "tools", "/mcp/{**rest}", Policies.Operate),
        Route("execute-task", "tasks", "/execute-task", Policies.Operate, ["POST"]),
        Route("tasks-read", "tasks", "/tasks/{**rest}", Policies.Read, Get),
        Route("tasks-cancel", "tasks", "/tasks/{id}/cancel", Policies.Operate, ["POST"]),
        Route("task-schema", "tasks", "/schemas/task.json", "anonymous", Get),
        Route(AgentScope.TaskLogs, "logging", "/tasks/{taskId}/logs/{**rest}", Policies.Read, Get),
        Route(AgentScope.LiveLogs, "logging", "/logs/{**rest}", Policies.Read, Get),
        Document("agents"),
        Document("tools"),
        Document("tasks"),
        Document("logging"),
    ];

    public static IReadOnlyList<ClusterConfig> Clusters { get; } =
    [
        Cluster("agents"),
        Cluster("tools"),
        Cluster("tasks"),
        Cluster("logging"),
    ];

    private static RouteConfig Route(string id, string cluster, string path, string policy, string[]? methods = null) => new()
    {
        RouteId = id,
        ClusterId = cluster,
        Order = ProxyOrder,
        AuthorizationPolicy = policy,
        Match = new RouteMatch { Path = path, Methods = methods },
    };

    /// <summary>A service's OpenAPI document as /openapi/{service}.json, open like the gateway's own (the dashboard's client is generated from them).</summary>
    private static RouteConfig Document(string service) => new()
    {
        RouteId = $"openapi-{service}",
        ClusterId = service,
        AuthorizationPolicy = "anonymous",
        Match = new RouteMatch { Path = $"/openapi/{service}.json", Methods = Get },
        Transforms = [new Dictionary<string, string> { ["PathSet"] = "/openapi/v1.json" }],
    };

    private static ClusterConfig Cluster(string service) => new()
    {
        ClusterId = service,
        HttpRequest = new Yarp.ReverseProxy.Forwarder.ForwarderRequestConfig { ActivityTimeout = ActivityTimeout },
        Destinations = new Dictionary<string, DestinationConfig>
        {
            [service] = new() { Address = $"http://{service}" },
        },
    };
}
