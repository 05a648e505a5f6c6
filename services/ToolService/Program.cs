using AgentOrchestration.ServiceCommon;
using AgentOrchestration.ToolService.Apis;
using AgentOrchestration.ToolService.Infrastructure;
using AgentOrchestration.ToolService.Services;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddProblemConventions();
builder.AddNpgsqlDbContext<ToolsDbContext>("toolsdb");
builder.Services.AddMigration<ToolsDbContext>();
builder.Services.AddHostedService<BuiltinToolSeeder>();
builder.Services.AddSingleton(TimeProvider.System);
builder.AddRedisClient("redis");
builder.Services.AddOpenApi();

var app = builder.Build();

app.UseProblemConventions();
app.MapOpenApi();
app.MapToolsApi();
app.MapStatsApi();
app.MapDefaultEndpoints();

app.Run();
