using AgentOrchestration.ServiceCommon;
using AgentOrchestration.ServiceCommon.Security;
using AgentOrchestration.ToolService.Builtins;
using AgentOrchestration.ToolService.Infrastructure;
using AgentOrchestration.ToolService.Invocation;
using AgentOrchestration.ToolService.Mcp;
using AgentOrchestration.ToolService.Search;
using AgentOrchestration.ToolService.Services;
using Microsoft.AspNetCore.DataProtection;

namespace AgentOrchestration.ToolService.Extensions;

public static class ApplicationServiceExtensions
{
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddProblemConventions();
        builder.AddNpgsqlDbContext<ToolsDbContext>("toolsdb",
            settings => settings.ConnectionString += ";" + ToolSearch.ConnectionOptions);
        builder.Services.AddMigration<ToolsDbContext>();
        builder.Services.AddHostedService<BuiltinToolSeeder>();
        builder.AddRedisClient("redis");
        builder.Services.AddSingleton(TimeProvider.System);

        builder.Services.AddDataProtection()
            .SetApplicationName("agent-orchestration")
            .PersistKeysToDbContext<ToolsDbContext>();
        builder.Services.AddSingleton<SecretProtector>();

        builder.Services.AddHttpClient<AgentDirectory>(http => http.BaseAddress = new("http://agents")).AddInternalCredential();
        builder.Services.AddHostedService<AgentCacheInvalidator>();

        builder.Services.AddSingleton<ToolSchemas>();
        builder.Services.Configure<ToolOutputOptions>(builder.Configuration.GetSection("Limits"));
        builder.Services.AddSingleton(new OutboundPolicy(builder.Configuration[OutboundPolicy.ConfigKey]));
        builder.Services.AddSingleton(services => new OutboundHttp(services.GetRequiredService<OutboundPolicy>()));
        builder.Services.AddSingleton<BuiltinExecutor>();
        builder.Services.AddSingleton<HttpToolExecutor>();
        builder.Services.AddSingleton<McpClientPool>();
        builder.Services.AddSingleton<McpToolExecutor>();
        builder.Services.AddSingleton<McpSourceSynchronizer>();
        builder.Services.AddHostedService<McpSourceWatcher>();
        builder.Services.AddScoped<ToolCallGate>();
        builder.Services.AddScoped<ToolSearch>();
        builder.Services.AddSingleton<ToolInvoker>();

        builder.Services.AddRegistryMcpServer();
        builder.Services.AddOpenApi(options => options.AddSchemaTransformer<IntegralNumberSchemas>());
    }
}
