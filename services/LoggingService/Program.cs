using AgentOrchestration.LoggingService.Infrastructure;
using AgentOrchestration.ServiceCommon;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddProblemConventions();
builder.AddNpgsqlDbContext<LogsDbContext>("logsdb");
builder.AddRedisClient("redis");
builder.Services.AddOpenApi();

var app = builder.Build();

app.UseProblemConventions();
app.MapOpenApi();
app.MapGet("/internal/stats", () => TypedResults.Ok(new Dictionary<string, int>())).ExcludeFromDescription();
app.MapDefaultEndpoints();

app.Run();
