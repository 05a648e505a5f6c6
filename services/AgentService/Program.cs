using AgentOrchestration.AgentService.Apis;
using AgentOrchestration.AgentService.Extensions;
using AgentOrchestration.ServiceCommon;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

app.UseProblemConventions();
app.MapOpenApi();
app.MapAgentsApi();
app.MapStatsApi();
app.MapDefaultEndpoints();

app.Run();
