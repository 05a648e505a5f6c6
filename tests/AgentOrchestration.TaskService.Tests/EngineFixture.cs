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
    public ServiceProvider Services(Func<HttpRequestMessage, Task<HttpResponseMessage>> tool, TaskOptions options)
    {
        var services = new ServiceCollection();
        services.AddDbContext<TasksDbContext>(o => o.UseNpgsql(ConnectionString));
        services.AddMetrics();
        services.AddLogging();
        services.AddSingleton(options);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<TaskSignals>();
        services.AddSingleton<OutboxSignal>();
        services.AddSingleton<TaskMetrics>();
        services.AddSingleton(new ToolInvocationClient(new HttpClient(new ScriptedHandler(tool)) { BaseAddress = new("http://tools") }));
        services.AddSingleton(new TaskWriteStore(TaskWriteStore.CreateDataSource(ConnectionString)));
        services.AddSingleton<StepExecutor>();
        services.AddSingleton<TaskRunner>();
        services.AddSingleton<TaskWorker>();
        return services.BuildServiceProvider();
    }

    /// <summary>Stores a task as the submission would, leased to this runner's replica; returns its id.</summary>
    public async Task<Guid> AddTaskAsync(string json, Action<TaskRecord>? adjust = null) => (await AddAcceptedAsync(json, adjust)).Record.Id;

    /// <summary>Stores a task as the submission would and hands it over as the submission does (row and definition).</summary>
    public async Task<AcceptedTask> AddAcceptedAsync(string json, Action<TaskRecord>? adjust = null)
    {
        var task = new TaskValidator(100, 32).Validate(JsonDocument.Parse(json).RootElement).Task!;
        var now = TaskJournal.TruncateToMicroseconds(DateTimeOffset.UtcNow);
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
        db.ChangeTracker.Clear();
        return new AcceptedTask(record, task);
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
/// Makes Postgres itself refuse a write the way it refuses U+0000 in jsonb (22P05): a trigger fails every update of a
/// step whose new output holds the <see cref="Marker"/> key, every time, as such a write would. Dispose drops it.
/// </summary>
public sealed class UnstorableOutputTrigger : IAsyncDisposable
{
    private readonly EngineFixture _engine;
    private readonly string _name;

    private UnstorableOutputTrigger(EngineFixture engine, string name)
    {
        _engine = engine;
        _name = name;
    }

    public string Marker => _name;

    public static async Task<UnstorableOutputTrigger> CreateAsync(EngineFixture engine)
    {
        var name = $"refuse_{Guid.NewGuid():N}";
        await using var db = engine.NewDb();
        // The name is this class's own (a fresh GUID), not input: formatting it into DDL is safe.
#pragma warning disable EF1002
        await db.Database.ExecuteSqlRawAsync($"""
            CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF NEW.output ? '{name}' THEN
                    RAISE EXCEPTION 'unsupported Unicode escape sequence' USING ERRCODE = '22P05';
                END IF;
                RETURN NEW;
            END $$;
            CREATE TRIGGER {name} BEFORE UPDATE ON task_steps FOR EACH ROW EXECUTE FUNCTION {name}();
            """);
#pragma warning restore EF1002
        return new UnstorableOutputTrigger(engine, name);
    }

    public async ValueTask DisposeAsync()
    {
        await using var db = _engine.NewDb();
#pragma warning disable EF1002 // see CreateAsync
        await db.Database.ExecuteSqlRawAsync($"DROP TRIGGER {_name} ON task_steps; DROP FUNCTION {_name}();");
#pragma warning restore EF1002
    }
}
