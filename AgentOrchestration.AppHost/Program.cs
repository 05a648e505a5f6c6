using Microsoft.Extensions.Configuration;
using AgentOrchestration.AppHost;

var builder = DistributedApplication.CreateBuilder(args);

var infrastructure = builder.AddInfrastructure();
var security = builder.AddSecurityParameters();

var agents = builder.AddProject<Projects.AgentOrchestration_AgentService>(ResourceNames.AgentService)
    .WithDirectEndpoint()
    .WithServiceHealthCheck()
    .WithInternalCredential(security)
    .WithDatabase(infrastructure.AgentsDb, infrastructure)
    .WithRedis(infrastructure);

var tools = builder.AddProject<Projects.AgentOrchestration_ToolService>(ResourceNames.ToolService)
    .WithDirectEndpoint()
    .WithServiceHealthCheck()
    .WithInternalCredential(security)
    .WithOutboundPolicy(security)
    .WithToolSearch()
    .WithDatabase(infrastructure.ToolsDb, infrastructure)
    .WithRedis(infrastructure)
    .WithReference(agents).WaitFor(agents);

var logging = builder.AddProject<Projects.AgentOrchestration_LoggingService>(ResourceNames.LoggingService)
    .WithDirectEndpoint()
    .WithServiceHealthCheck()
    .WithInternalCredential(security)
    .WithDatabase(infrastructure.LogsDb, infrastructure)
    .WithRedis(infrastructure);

// The durable task engine: task API, workers, journal and outbox over tasksdb.
var tasks = builder.AddProject<Projects.AgentOrchestration_TaskService>(ResourceNames.TaskService)
    .WithServiceHealthCheck()
    .WithInternalCredential(security)
    .WithDatabase(infrastructure.TasksDb, infrastructure)
    .WithRedis(infrastructure)
    .WithReference(agents).WaitFor(agents)
    .WithReference(tools).WaitFor(tools);

// Two replicas keep "a task survives the death of the replica that took it" honest while developing.
if (builder.ExecutionContext.IsRunMode)
{
    tasks.WithReplicas(builder.Configuration.GetValue("Tasks:Replicas", 2));
}

// The stateless public gateway: auth, limits, routing, /status, /register-agent.
var api = builder.AddProject<Projects.AgentOrchestration_ApiService>(ResourceNames.ApiService)
    .WithServiceHealthCheck()
    .WithInternalCredential(security)
    .WithAdminApiKey(security)
    .WithBackupStatus(infrastructure)
    .WithRedis(infrastructure)
    .WithReference(agents).WaitFor(agents)
    .WithReference(tools).WaitFor(tools)
    .WithReference(tasks).WaitFor(tasks)
    .WithReference(logging).WaitFor(logging)
    .WithPublicPort(builder.Configuration.GetValue("Ports:Api", 8080))
    .WithExternalHttpEndpoints();

builder.AddWebDashboard(api, builder.Configuration.GetValue("Ports:Web", 5173));

builder.Build().Run();
