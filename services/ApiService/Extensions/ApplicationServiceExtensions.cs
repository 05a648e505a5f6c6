using AgentOrchestration.ApiService.Services;
using AgentOrchestration.ServiceCommon;
using AgentOrchestration.ServiceCommon.Security;

namespace AgentOrchestration.ApiService.Extensions;

public static class ApplicationServiceExtensions
{
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddProblemConventions();
        builder.AddRedisClient("redis");
        builder.Services.AddSingleton(TimeProvider.System);

        builder.Services.AddHttpClient<AgentServiceClient>(http => http.BaseAddress = new("http://agents")).AddInternalCredential();
        builder.Services.AddHttpClient<ToolServiceClient>(http => http.BaseAddress = new("http://tools")).AddInternalCredential();
        builder.Services.AddHttpClient<TaskServiceClient>(http => http.BaseAddress = new("http://tasks")).AddInternalCredential();
        builder.Services.AddHttpClient(StatusHttpClient.Name).AddInternalCredential();
        builder.Services.AddSingleton<BackupStatusProbe>();
        builder.Services.AddSingleton<ReplicaStatusProbe>();
        builder.Services.AddSingleton<StatusProbe>();
        builder.Services.AddHostedService<StatusWarmUp>();

        builder.AddApiSecurity();
        builder.AddGateway();

        builder.Services.AddOpenApi();
    }
}
