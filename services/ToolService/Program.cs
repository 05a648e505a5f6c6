using AgentOrchestration.ServiceCommon;
using AgentOrchestration.ServiceCommon.Security;
using AgentOrchestration.ToolService.Apis;
using AgentOrchestration.ToolService.Extensions;
using AgentOrchestration.ToolService.Mcp;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

app.UseProblemConventions();
app.UseInternalCredential();
app.MapOpenApi();
app.MapToolsApi();
app.MapToolSourcesApi();
app.MapStatsApi();
app.UseMcpRequestGuard("/mcp");
app.MapMcp("/mcp");
app.MapDefaultEndpoints();

app.Run();
