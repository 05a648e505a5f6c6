using AgentOrchestration.ServiceCommon.Contracts;
using AgentOrchestration.TaskService.Infrastructure;
using AgentOrchestration.TaskService.Tasks.Execution;
using AgentOrchestration.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using StackExchange.Redis;

namespace AgentOrchestration.TaskService.Tests;

/// <summary>
/// A Postgres cluster of its own (the relay's horizon is cluster-wide, so no other collection's transactions hold it
/// back) and a Redis; each test gets a fresh, migrated tasksdb and an empty Redis.
/// </summary>
public sealed class OutboxFixture : IAsyncLifetime
{
    private int _databases;

    public PostgresServer Postgres { get; } = new();

    public RedisServer Redis { get; } = new();

    public ConnectionMultiplexer Multiplexer { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Task.WhenAll(Postgres.InitializeAsync(), Redis.InitializeAsync());
        Multiplexer = await ConnectionMultiplexer.ConnectAsync($"{Redis.ConnectionString},allowAdmin=true");
    }

    public async Task DisposeAsync()
    {
        await Multiplexer.DisposeAsync();
        await Redis.DisposeAsync();
        await Postgres.DisposeAsync();
    }

    /// <summary>A new migrated tasksdb, and Redis emptied; returns the database's connection string.</summary>
    public async Task<string> FreshAsync()
    {
        var name = $"tasksdb_{Interlocked.Increment(ref _databases)}";
        await Postgres.CreateDatabaseAsync(name);
        var connectionString = Postgres.ConnectionString(name);
        await using (var db = NewDb(connectionString))
        {
            await db.Database.MigrateAsync();
        }

        await Multiplexer.GetServers()[0].FlushAllDatabasesAsync();
        return connectionString;
    }

    public static TasksDbContext NewDb(string connectionString) =>
        new(new DbContextOptionsBuilder<TasksDbContext>().UseNpgsql(connectionString).Options);

    /// <summary>A relay as a replica runs it, over this database and Redis, deleting stored events at once.</summary>
    public static (EventOutboxRelay Relay, OutboxSignal Signal, ServiceProvider Services) Relay(string connectionString, IConnectionMultiplexer redis)
    {
        var services = new ServiceCollection();
        services.AddDbContext<TasksDbContext>(o => o.UseNpgsql(connectionString));
        services.AddLogging();
        services.AddSingleton(new TaskOptions { OutboxCleanupInterval = TimeSpan.Zero, OutboxRetention = TimeSpan.Zero });
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<OutboxSignal>();
        services.AddSingleton(redis);
        services.AddSingleton<EventOutboxRelay>();
        var provider = services.BuildServiceProvider();
        return (provider.GetRequiredService<EventOutboxRelay>(), provider.GetRequiredService<OutboxSignal>(), provider);
    }

    /// <summary>Inserts events as the journal does (the xid column is the database's default), in the given transaction or its own.</summary>
    public static async Task InsertEventsAsync(NpgsqlConnection connection, Guid taskId, int fromSeq, int count, NpgsqlTransaction? transaction = null)
    {
        await using var command = new NpgsqlCommand("""
            INSERT INTO task_events (id, task_id, seq, at, level, type, message, agent_name)
            SELECT gen_random_uuid(), $1, s, now(), 'info', 'step.progress', 'event ' || s, 'relay-test'
            FROM generate_series($2::int, $3::int) s
            """, connection, transaction)
        {
            Parameters = { new() { Value = taskId }, new() { Value = fromSeq }, new() { Value = fromSeq + count - 1 } },
        };
        await command.ExecuteNonQueryAsync();
    }

    public static async Task<long> OutboxCountAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        return (long)(await new NpgsqlCommand("SELECT count(*) FROM task_events", connection).ExecuteScalarAsync())!;
    }

    /// <summary>The stream's events in stream order.</summary>
    public async Task<List<ExecutionEvent>> StreamAsync()
    {
        var entries = await Multiplexer.GetDatabase().StreamRangeAsync(ExecutionEventStream.Name);
        return entries.Select(e => System.Text.Json.JsonSerializer.Deserialize<ExecutionEvent>(
            e[ExecutionEventStream.Field].ToString(), System.Text.Json.JsonSerializerOptions.Web)!).ToList();
    }

    /// <summary>Creates the LoggingService's consumer group, as its consumer does on start.</summary>
    public Task CreateConsumerGroupAsync() =>
        Multiplexer.GetDatabase().StreamCreateConsumerGroupAsync(ExecutionEventStream.Name, ExecutionEventStream.ConsumerGroup, StreamPosition.Beginning, createStream: true);
}

[CollectionDefinition(Name)]
public sealed class OutboxCollection : ICollectionFixture<OutboxFixture>
{
    public const string Name = "Outbox";
}
