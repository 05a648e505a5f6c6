using System.Net;
using System.Text;
using System.Text.Json;
using AgentOrchestration.TaskService.Infrastructure;
using AgentOrchestration.TaskService.Tasks.Definition;
using AgentOrchestration.TaskService.Tasks.Execution;
using AgentOrchestration.TaskService.Tasks.Model;
using AgentOrchestration.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
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
    /// <summary>A migrated database that is never connected to, so fresh databases are copies of it (fast).</summary>
    private const string Template = "engine_template";

    private int _databases;

    public PostgresServer Postgres { get; } = new();

    public TaskOptions Options { get; } = new() { LeaseDuration = TimeSpan.FromSeconds(10) };

    /// <summary>The shared database of the tests that run a task straight through the runner.</summary>
    public EngineDatabase Database => new(Postgres.ConnectionString("tasksdb"));

    public async Task InitializeAsync()
    {
        await Postgres.InitializeAsync();
        await Postgres.CreateDatabaseAsync("tasksdb");
        await using (var db = NewDb())
        {
            await db.Database.MigrateAsync();
        }

        await Postgres.CreateDatabaseAsync(Template);
        await using var template = new EngineDatabase(Postgres.ConnectionString(Template) + ";Pooling=false").NewDb();
        await template.Database.MigrateAsync();
    }

    public Task DisposeAsync() => Postgres.DisposeAsync();

    /// <summary>
    /// A database of the test's own: a worker claims any task whose lease lapsed, so a test that runs one must not
    /// share its tasks table with the others.
    /// </summary>
    public async Task<EngineDatabase> NewDatabaseAsync()
    {
        var name = $"engine_{Interlocked.Increment(ref _databases)}";
        await using var connection = new Npgsql.NpgsqlConnection(Postgres.ConnectionString("postgres"));
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand($"CREATE DATABASE \"{name}\" TEMPLATE \"{Template}\"", connection);
        await command.ExecuteNonQueryAsync();
        return new EngineDatabase(Postgres.ConnectionString(name));
    }

    public TasksDbContext NewDb() => Database.NewDb();

    /// <summary>A runner whose tool calls are answered by <paramref name="tool"/>.</summary>
    public TaskRunner Runner(Func<HttpRequestMessage, Task<HttpResponseMessage>> tool) => Services(tool, Options).GetRequiredService<TaskRunner>();

    /// <summary>The engine's services (runner, worker) with these options, tool calls answered by <paramref name="tool"/>.</summary>
    public ServiceProvider Services(Func<HttpRequestMessage, Task<HttpResponseMessage>> tool, TaskOptions options,
        DbCommandInterceptor? intercept = null) =>
        Services((request, _) => tool(request), options, Database, TimeProvider.System, intercept);

    /// <summary>
    /// The engine's services on a database and clock of the test's choosing (a replica: its options carry its id),
    /// tool calls answered by <paramref name="tool"/>, every database command seen by <paramref name="intercept"/>.
    /// </summary>
    public static ServiceProvider Services(Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> tool, TaskOptions options,
        EngineDatabase database, TimeProvider clock, DbCommandInterceptor? intercept = null)
    {
        var services = new ServiceCollection();
        services.AddDbContext<TasksDbContext>(o =>
        {
            o.UseNpgsql(database.ConnectionString);
            if (intercept is not null)
            {
                o.AddInterceptors(intercept);
            }
        });
        services.AddMetrics();
        services.AddLogging();
        services.AddSingleton(options);
        services.AddSingleton(clock);
        services.AddSingleton<TaskSignals>();
        services.AddSingleton<OutboxSignal>();
        services.AddSingleton<TaskMetrics>();
        services.AddSingleton(new ToolInvocationClient(new HttpClient(new ScriptedHandler(tool)) { BaseAddress = new("http://tools") }));
        services.AddSingleton(new TaskWriteStore(TaskWriteStore.CreateDataSource(database.ConnectionString)));
        services.AddSingleton<StepExecutor>();
        services.AddSingleton<TaskRunner>();
        services.AddSingleton<TaskWorker>();
        return services.BuildServiceProvider();
    }

    /// <summary>Stores a task as the submission would, leased to this runner's replica; returns its id.</summary>
    public async Task<Guid> AddTaskAsync(string json, Action<TaskRecord>? adjust = null) => (await AddAcceptedAsync(json, adjust)).Record.Id;

    /// <summary>Stores a task as the submission would and hands it over as the submission does (row and definition).</summary>
    public Task<AcceptedTask> AddAcceptedAsync(string json, Action<TaskRecord>? adjust = null) =>
        Database.AddAcceptedAsync(json, Options.ReplicaId, Options.LeaseDuration, TimeProvider.System, adjust);

    public Task<TaskRecord> GetAsync(Guid id) => Database.GetAsync(id);

    public Task<List<string>> EventTypesAsync(Guid id) => Database.EventTypesAsync(id);

    /// <summary>A streamed invoke answer: the lines as the ToolService writes them.</summary>
    public static HttpResponseMessage Stream(string lines) => new(HttpStatusCode.OK)
    {
        Content = new StringContent(lines, Encoding.UTF8, "application/x-ndjson"),
    };

    private sealed class ScriptedHandler(Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> answer) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            answer(request, cancellationToken);
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
