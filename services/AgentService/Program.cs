using AgentOrchestration.AgentService.Apis;
using AgentOrchestration.AgentService.Extensions;
using AgentOrchestration.ServiceCommon;
using AgentOrchestration.ServiceCommon.Security;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

app.UseProblemConventions();
app.UseInternalCredential();
app.MapOpenApi();
app.MapAgentsApi();
app.MapKeysApi();
app.MapStatsApi();
app.MapGrantsApi();
app.MapDefaultEndpoints();

app.Run();
