namespace AgentOrchestration.AppHost;

/// <summary>
/// Resource names, shared with the tests so that a rename is one edit.
/// They are also the service-discovery host names and the connection-string names the services read.
/// </summary>
public static class ResourceNames
{
    public const string Postgres = "postgres";
    public const string Redis = "redis";

    /// <summary>Local mode's streaming replica of Postgres (Infrastructure:Replica=true).</summary>
    public const string PostgresReplica = "postgres-replica";

    /// <summary>The local redis-server process; "redis" itself is the connection string every service reads.</summary>
    public const string LocalRedisServer = "redis-server";

    public const string AgentsDb = "agentsdb";
    public const string ToolsDb = "toolsdb";
    public const string TasksDb = "tasksdb";
    public const string LogsDb = "logsdb";

    public const string AgentService = "agents";
    public const string ToolService = "tools";
    public const string ApiService = "api";
    public const string TaskService = "tasks";
    public const string LoggingService = "logging";
    public const string Web = "web";
    public const string WebInstall = "web-install";

    /// <summary>Parameters: the admin's API key, the credential the services use among themselves, and the SSRF allow-list.</summary>
    public const string AdminApiKey = "admin-api-key";
    public const string InternalApiKey = "internal-api-key";
    public const string OutboundAllowList = "outbound-allow-list";

    /// <summary>Local mode's Postgres and Redis passwords (the container resources make their own, of the same names).</summary>
    public const string PostgresPassword = "postgres-password";
    public const string RedisPassword = "redis-password";

    public static readonly string[] Databases = [AgentsDb, ToolsDb, TasksDb, LogsDb];
    public static readonly string[] Services = [AgentService, ToolService, TaskService, ApiService, LoggingService];
}
