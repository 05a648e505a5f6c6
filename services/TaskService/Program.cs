using AgentOrchestration.ServiceCommon;
using AgentOrchestration.ServiceCommon.Security;
using AgentOrchestration.TaskService.Apis;
using AgentOrchestration.TaskService.Extensions;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddTaskServices();

var app = builder.Build();

app.UseProblemConventions();
app.UseInternalCredential();
app.MapOpenApi();
app.MapTasksApi();
app.MapTaskStatsApi();
app.MapDefaultEndpoints();

app.Run();
