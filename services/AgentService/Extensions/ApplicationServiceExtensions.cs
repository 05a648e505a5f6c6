using AgentOrchestration.AgentService.Infrastructure;
using AgentOrchestration.AgentService.Services;
using AgentOrchestration.ServiceCommon;

namespace AgentOrchestration.AgentService.Extensions;

public static class ApplicationServiceExtensions
{
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddProblemConventions();
        builder.Services.AddExceptionHandler<AgentExceptionHandler>();
        builder.AddNpgsqlDbContext<AgentsDbContext>("agentsdb", settings => settings.DisableRetry = true, options => options.UseBoundedRetry());
        builder.Services.AddMigration<AgentsDbContext>();
        builder.AddRedisClient("redis");
        builder.Services.AddSingleton<AgentChangePublisher>();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddOpenApi();
    }
}
