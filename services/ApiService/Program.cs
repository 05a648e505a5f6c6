using AgentOrchestration.ApiService.Apis;
using AgentOrchestration.ApiService.Extensions;
using AgentOrchestration.ServiceCommon;
using Scalar.AspNetCore;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

app.UseProblemConventions();
app.MapOpenApi();
app.MapScalarApiReference("/docs");
app.MapStatusApi();
app.MapAgentRegistrationApi();
app.MapTasksApi();
app.MapReverseProxy();
app.MapDefaultEndpoints();

app.Run();
