using System.Net;
using System.Text;
using System.Text.Json;
using AgentOrchestration.TaskService.Infrastructure;
using AgentOrchestration.TaskService.Tasks.Definition;
using AgentOrchestration.TaskService.Tasks.Execution;
using AgentOrchestration.TaskService.Tasks.Model;
using AgentOrchestration.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace AgentOrchestration.TaskService.Tests;

/// <summary>
/// The task engine in process against a real Postgres (tasksdb with its migrations), with the ToolService replaced by
/// a handler each test scripts: it can answer what a real ToolService would refuse to (an unstorable output, a
/// broken stream), which is how the engine's own defences are tested.
/// </summary>
public sealed class EngineFixture : IAsyncLifetime
{
    public PostgresServer Postgres { get; } = new();

    public TaskOptions Options { get; } = new() { LeaseDuration = TimeSpan.FromSeconds(10) };

    private string ConnectionString => Postgres.ConnectionString("tasksdb");

    public async Task InitializeAsync()
    {
        await Postgres.InitializeAsync();
        await Postgres.CreateDatabaseAsync("tasksdb");
        await using var db = NewDb();
        await db.Database.MigrateAsync();
    }

    public Task DisposeAsync() => Postgres.DisposeAsync();

    public TasksDbContext NewDb() => new(new DbContextOptionsBuilder<TasksDbContext>().UseNpgsql(ConnectionString).Options);

    /// <summary>A runner whose tool calls are answered by <paramref name="tool"/>.</summary>
    public TaskRunner Runner(Func<HttpRequestMessage, Task<HttpResponseMessage>> tool) => Services(tool, Options).GetRequiredService<TaskRunner>();

    /// <summary>The engine's services (runner, worker) with these options, tool calls answered by <paramref name="tool"/>.</summary>
    public ServiceProvider Services(Func<HttpRequestMessage, Task<HttpResponseMessage>> tool, TaskOptions options,
        UnstorableWriteInterceptor? refuse = null)
    {
        var services = new ServiceCollection();
        services.AddDbContext<TasksDbContext>(o =>
        {
            o.UseNpgsql(ConnectionString);
            if (refuse is not null)
            {
                o.AddInterceptors(refuse);
            }
        });
        services.AddMetrics();
        services.AddLogging();
        services.AddSingleton(options);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<TaskSignals>();
        services.AddSingleton<OutboxSignal>();
        services.AddSingleton<TaskMetrics>();
        services.AddSingleton(new ToolInvocationClient(new HttpClient(new ScriptedHandler(tool)) { BaseAddress = new("http://tools") }));
        services.AddSingleton<StepExecutor>();
        services.AddSingleton<TaskRunner>();
        services.AddSingleton<TaskWorker>();
        return services.BuildServiceProvider();
    }

    /// <summary>Stores a task as the submission would, leased to this runner's replica; returns its id.</summary>
    public async Task<Guid> AddTaskAsync(string json, Action<TaskRecord>? adjust = null)
    {
        var task = new TaskValidator(100, 32).Validate(JsonDocument.Parse(json).RootElement).Task!;
        var now = DateTimeOffset.UtcNow;
        var id = Guid.CreateVersion7(now);
        var record = new TaskRecord
        {
            Id = id, AgentId = Guid.NewGuid(), AgentName = task.Agent, Definition = task.ToDocument(), CreatedAt = now,
            LeaseOwner = Options.ReplicaId, LeaseExpiresAt = now + Options.LeaseDuration,
            Steps = task.Steps.Select((s, i) => new TaskStepRecord { TaskId = id, StepId = s.Id, Ordinal = i, Tool = s.Tool }).ToList(),
        };
        adjust?.Invoke(record);
        await using var db = NewDb();
        db.Tasks.Add(record);
        await db.SaveChangesAsync();
        return id;
    }

    public async Task<TaskRecord> GetAsync(Guid id)
    {
        await using var db = NewDb();
        return await db.Tasks.AsNoTracking().Include(t => t.Steps).SingleAsync(t => t.Id == id);
    }

    public async Task<List<string>> EventTypesAsync(Guid id)
    {
        await using var db = NewDb();
        return await db.Events.Where(e => e.TaskId == id).OrderBy(e => e.Seq).Select(e => e.Type).ToListAsync();
    }

    /// <summary>A streamed invoke answer: the lines as the ToolService writes them.</summary>
    public static HttpResponseMessage Stream(string lines) => new(HttpStatusCode.OK)
    {
        Content = new StringContent(lines, Encoding.UTF8, "application/x-ndjson"),
    };

    private sealed class ScriptedHandler(Func<HttpRequestMessage, Task<HttpResponseMessage>> answer) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) => answer(request);
    }
}

[CollectionDefinition(Name)]
public sealed class EngineCollection : ICollectionFixture<EngineFixture>
{
    public const string Name = "Engine";
}

/// <summary>
/// Makes Postgres refuse a write the way it refuses U+0000 in jsonb (22P05): commands whose text contains
/// <see cref="Marker"/> fail, every time, as such a write would.
/// </summary>
public sealed class UnstorableWriteInterceptor(string marker) : Microsoft.EntityFrameworkCore.Diagnostics.DbCommandInterceptor
{
    public string Marker => marker;

    public int Refused { get; private set; }

    public override ValueTask<Microsoft.EntityFrameworkCore.Diagnostics.InterceptionResult<int>> NonQueryExecutingAsync(
        System.Data.Common.DbCommand command, Microsoft.EntityFrameworkCore.Diagnostics.CommandEventData eventData,
        Microsoft.EntityFrameworkCore.Diagnostics.InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        if (command.CommandText.Contains(marker))
        {
            Refused++;
            throw new Npgsql.PostgresException("unsupported Unicode escape sequence", "ERROR", "ERROR", "22P05");
        }

        return base.NonQueryExecutingAsync(command, eventData, result, cancellationToken);
    }
}
