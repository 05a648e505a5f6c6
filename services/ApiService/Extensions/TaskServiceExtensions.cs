using AgentOrchestration.ApiService.Infrastructure;
using AgentOrchestration.ApiService.Tasks.Definition;
using AgentOrchestration.ApiService.Tasks.Execution;
using AgentOrchestration.ApiService.Tasks.Submission;
using AgentOrchestration.ServiceCommon;
using AgentOrchestration.ServiceCommon.Security;

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
        builder.Services.AddHostedService<AgentDeletionListener>();

        builder.Services.AddScoped<TaskSubmission>();
        builder.Services.AddSingleton<ToolSchemaCache>();
        builder.Services.AddHttpClient<ToolCatalog>(http => http.BaseAddress = new("http://tools")).AddInternalCredential();
        // A tool may legitimately run for minutes (an LLM call, a build): a step's only time limits are its own
        // timeoutMs (default Tasks:DefaultStepTimeoutMs) and the task's deadline. The standard resilience handler's
        // 10-second attempt timeout cut every longer step (and its exception crashed the run, which re-ran the step
        // forever), and its retries would repeat a call the step's retry policy already governs: none on this client.
#pragma warning disable EXTEXP0001 // experimental in 10.x, and the documented way to undo ConfigureHttpClientDefaults' handler
        builder.Services.AddHttpClient<ToolInvocationClient>(http =>
            {
                http.BaseAddress = new("http://tools");
                http.Timeout = Timeout.InfiniteTimeSpan;
            })
            .RemoveAllResilienceHandlers()
            .AddInternalCredential();
#pragma warning restore EXTEXP0001
    }
}
