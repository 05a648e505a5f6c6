using AgentOrchestration.ApiService.Apis;
using AgentOrchestration.ApiService.Extensions;
using AgentOrchestration.ServiceCommon;
using Scalar.AspNetCore;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

app.UseProblemConventions();
app.UseApiSecurity();
app.MapOpenApi().AllowAnonymous();
app.MapScalarApiReference("/docs").AllowAnonymous();
app.MapStatusApi();
app.MapMeApi();
app.MapAgentRegistrationApi();
app.MapGateway();
app.MapDefaultEndpoints();

app.Run();
