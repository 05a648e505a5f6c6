using AgentOrchestration.ApiService.Infrastructure;
using AgentOrchestration.ApiService.Tasks.Definition;
using AgentOrchestration.ApiService.Tasks.Execution;
using AgentOrchestration.ApiService.Tasks.Submission;
using AgentOrchestration.ServiceCommon;
using AgentOrchestration.ServiceCommon.Security;
using Microsoft.Extensions.Http.Resilience;

namespace AgentOrchestration.ApiService.Extensions;

public static class TaskServiceExtensions
{
    /// <summary>Durable task execution: submission, the per-replica worker and runner, and the event outbox relay.</summary>
    public static void AddTaskExecution(this IHostApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection("Tasks").Get<TaskOptions>() ?? new TaskOptions();
        builder.Services.AddSingleton(options);
        builder.Services.AddMigration<TasksDbContext>();
        builder.Services.AddSingleton(new TaskValidator(options.MaxSteps, options.MaxParallelSteps));
        builder.Services.AddSingleton<TaskSignals>();
        builder.Services.AddSingleton<OutboxSignal>();
        builder.Services.AddSingleton<TaskMetrics>();
        builder.Services.AddSingleton<StepExecutor>();
        builder.Services.AddSingleton<TaskRunner>();
        builder.Services.AddSingleton<TaskWorker>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<TaskWorker>());
        builder.Services.AddHostedService<EventOutboxRelay>();
        builder.Services.AddHostedService<TaskCancelListener>();
        builder.Services.AddHostedService<QueueDepthSampler>();

        builder.Services.AddScoped<TaskSubmission>();
        builder.Services.AddHttpClient<ToolCatalog>(http => http.BaseAddress = new("http://tools")).AddInternalCredential();
        builder.Services.AddHttpClient<ToolInvocationClient>(http => http.BaseAddress = new("http://tools")).AddInternalCredential();
        // A tool may legitimately run for minutes (sleep, a slow HTTP tool): the step's own timeout governs,
        // not the standard handler's 10-second attempt timeout.
        builder.Services.Configure<HttpStandardResilienceOptions>($"{nameof(ToolInvocationClient)}-standard", resilience =>
        {
            resilience.AttemptTimeout.Timeout = TimeSpan.FromMinutes(10);
            resilience.TotalRequestTimeout.Timeout = TimeSpan.FromMinutes(10);
            resilience.CircuitBreaker.SamplingDuration = TimeSpan.FromMinutes(20);
        });
    }
}
