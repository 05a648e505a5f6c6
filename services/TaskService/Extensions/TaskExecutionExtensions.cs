using AgentOrchestration.TaskService.Infrastructure;
using AgentOrchestration.TaskService.Services;
using AgentOrchestration.TaskService.Tasks.Definition;
using AgentOrchestration.TaskService.Tasks.Execution;
using AgentOrchestration.TaskService.Tasks.Submission;
using AgentOrchestration.ServiceCommon;
using AgentOrchestration.ServiceCommon.Security;

namespace AgentOrchestration.TaskService.Extensions;

public static class TaskExecutionExtensions
{
    /// <summary>Everything the TaskService runs: tasksdb, Redis, the agent directory and the engine.</summary>
    public static void AddTaskServices(this IHostApplicationBuilder builder)
    {
        builder.AddProblemConventions();
        // Task writes are explicit transactions fenced by the lease; a transparent retry of one could apply a
        // change twice, so failures surface and the worker's lease logic decides what happens next.
        builder.AddNpgsqlDbContext<TasksDbContext>("tasksdb", settings => settings.DisableRetry = true);
        builder.AddRedisClient("redis");
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddHttpClient<AgentServiceClient>(http => http.BaseAddress = new("http://agents")).AddInternalCredential();
        builder.Services.AddSingleton<AgentCache>();
        builder.AddTaskExecution();
        builder.Services.AddOpenApi();
    }

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
        // The hot path's writes go straight to Npgsql (one prepared statement per state change), on a pool of its own.
        builder.Services.AddSingleton(_ => new TaskWriteStore(TaskWriteStore.CreateDataSource(
            builder.Configuration.GetConnectionString("tasksdb") ?? throw new InvalidOperationException("ConnectionStrings:tasksdb is not set."))));
        builder.Services.AddSingleton<StepExecutor>();
        builder.Services.AddSingleton<TaskRunner>();
        builder.Services.AddSingleton<TaskWorker>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<TaskWorker>());
        builder.Services.AddHostedService<EventOutboxRelay>();
        builder.Services.AddHostedService<TaskCancelListener>();
        builder.Services.AddHostedService<QueueDepthSampler>();
        builder.Services.AddHostedService<AgentChangeListener>();

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
