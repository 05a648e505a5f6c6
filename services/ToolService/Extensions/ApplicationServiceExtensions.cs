using AgentOrchestration.ServiceCommon;
using AgentOrchestration.ServiceCommon.Security;
using AgentOrchestration.ToolService.Builtins;
using AgentOrchestration.ToolService.Infrastructure;
using AgentOrchestration.ToolService.Invocation;
using AgentOrchestration.ToolService.Mcp;
using AgentOrchestration.ToolService.Search;
using AgentOrchestration.ToolService.Search.Semantic;
using AgentOrchestration.ToolService.Services;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;

namespace AgentOrchestration.ToolService.Extensions;

public static class ApplicationServiceExtensions
{
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddProblemConventions();
        var searchSignals = new SearchSignals();
        builder.AddNpgsqlDbContext<ToolsDbContext>("toolsdb",
            settings =>
            {
                settings.ConnectionString += ";" + LexicalSearch.ConnectionOptions;
                settings.DisableRetry = true;
            },
            options => options.UseBoundedRetry().AddInterceptors(new ToolChangeInterceptor(searchSignals)));
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
        builder.AddToolSearch(searchSignals);
        builder.Services.AddSingleton<ToolInvoker>();

        builder.Services.AddRegistryMcpServer();
        builder.Services.AddOpenApi(options => options.AddSchemaTransformer<IntegralNumberSchemas>());
    }

    /// <summary>Lexical and semantic search: the embedding generator is one singleton, loaded by the indexer's first batch.</summary>
    private static void AddToolSearch(this IHostApplicationBuilder builder, SearchSignals signals)
    {
        builder.Services.Configure<EmbeddingOptions>(builder.Configuration.GetSection(EmbeddingOptions.Section));
        builder.Services.AddSingleton(signals);
        builder.Services.AddSingleton(services =>
        {
            var options = services.GetRequiredService<IOptions<EmbeddingOptions>>();
            var (generator, modelId) = EmbeddingProvider.Create(options.Value);
            return new ToolEmbeddings(generator, modelId, options, services.GetRequiredService<ILogger<ToolEmbeddings>>());
        });
        builder.Services.AddSingleton<ToolVectorIndex>();
        builder.Services.AddHostedService<ToolEmbeddingIndexer>();
        builder.Services.AddHostedService<ToolVectorIndexRefresher>();
        builder.Services.AddHealthChecks().AddCheck<SearchHealthCheck>("search");
        builder.Services.AddScoped<LexicalSearch>();
        builder.Services.AddScoped<ToolSearch>();
    }
}
