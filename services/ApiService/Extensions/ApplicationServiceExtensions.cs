using AgentOrchestration.ApiService.Gateway;
using AgentOrchestration.ApiService.Infrastructure;
using AgentOrchestration.ApiService.Services;
using AgentOrchestration.ServiceCommon;

namespace AgentOrchestration.ApiService.Extensions;

public static class ApplicationServiceExtensions
{
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddProblemConventions();
        // Task writes are explicit transactions fenced by the lease; a transparent retry of one could apply a
        // change twice, so failures surface and the worker's lease logic decides what happens next.
        builder.AddNpgsqlDbContext<TasksDbContext>("tasksdb", settings => settings.DisableRetry = true);
        builder.AddRedisClient("redis");
        builder.Services.AddSingleton(TimeProvider.System);

        builder.Services.AddHttpClient<AgentServiceClient>(http => http.BaseAddress = new("http://agents"));
        builder.Services.AddHttpClient<ToolServiceClient>(http => http.BaseAddress = new("http://tools"));
        builder.Services.AddHttpClient(StatusHttpClient.Name);
        builder.Services.AddSingleton<StatusProbe>();
        builder.AddTaskExecution();
        builder.Services.AddHostedService<StatusWarmUp>();

        builder.Services.AddReverseProxy()
            .LoadFromMemory(GatewayRoutes.Routes, GatewayRoutes.Clusters)
            .AddServiceDiscoveryDestinationResolver();

        builder.Services.AddOpenApi();
    }
}
