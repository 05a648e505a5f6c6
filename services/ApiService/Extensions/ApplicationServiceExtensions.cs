using AgentOrchestration.ApiService.Infrastructure;
using AgentOrchestration.ApiService.Services;
using AgentOrchestration.ServiceCommon;
using AgentOrchestration.ServiceCommon.Security;

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

        builder.Services.AddHttpClient<AgentServiceClient>(http => http.BaseAddress = new("http://agents")).AddInternalCredential();
        builder.Services.AddSingleton<AgentCache>();
        builder.Services.AddHttpClient<ToolServiceClient>(http => http.BaseAddress = new("http://tools")).AddInternalCredential();
        builder.Services.AddHttpClient(StatusHttpClient.Name).AddInternalCredential();
        builder.Services.AddSingleton<BackupStatusProbe>();
        builder.Services.AddSingleton<ReplicaStatusProbe>();
        builder.Services.AddSingleton<StatusProbe>();
        builder.AddTaskExecution();
        builder.Services.AddHostedService<StatusWarmUp>();

        builder.AddApiSecurity();
        builder.AddGateway();

        builder.Services.AddOpenApi();
    }
}
