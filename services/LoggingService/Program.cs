using AgentOrchestration.LoggingService.Apis;
using AgentOrchestration.LoggingService.Events;
using AgentOrchestration.LoggingService.Infrastructure;
using AgentOrchestration.ServiceCommon;
using AgentOrchestration.ServiceCommon.Security;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddProblemConventions();
// Event batches are stored in explicit transactions, which the retrying strategy does not allow; a failed batch
// stays unacknowledged in the stream and is simply read again.
builder.AddNpgsqlDbContext<LogsDbContext>("logsdb", settings => settings.DisableRetry = true);
builder.Services.AddMigration<LogsDbContext>();
builder.AddRedisClient("redis");
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddScoped<EventStore>();
builder.Services.AddSingleton<EventBroadcaster>();
builder.Services.AddSingleton<EventTelemetry>();
builder.Services.AddHostedService<EventConsumer>();
builder.Services.AddHostedService<RetentionJob>();
builder.Services.AddOpenApi();

var app = builder.Build();

app.UseProblemConventions();
app.UseInternalCredential();
app.MapOpenApi();
app.MapLogsApi();
app.MapGet("/internal/stats", (EventBroadcaster broadcaster) => TypedResults.Ok(new Dictionary<string, int>
{
    ["liveSubscribers"] = broadcaster.SubscriberCount,
})).ExcludeFromDescription();
app.MapDefaultEndpoints();

app.Run();
