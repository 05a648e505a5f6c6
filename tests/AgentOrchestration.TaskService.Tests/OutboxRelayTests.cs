using AgentOrchestration.ServiceCommon.Contracts;
using Npgsql;
using StackExchange.Redis;

namespace AgentOrchestration.TaskService.Tests;

/// <summary>The outbox relay against real Postgres and Redis: order, completeness, cleanup and outages.</summary>
[Collection(OutboxCollection.Name)]
public sealed class OutboxRelayTests(OutboxFixture fixture)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task EventsOfEachTaskReachTheStreamInSeqOrderWithTwoRelaysAndRacingWriters()
    {
        var db = await fixture.FreshAsync();
        var (first, firstSignal, firstServices) = OutboxFixture.Relay(db, fixture.Multiplexer);
        var (second, secondSignal, secondServices) = OutboxFixture.Relay(db, fixture.Multiplexer);
        await using var a = firstServices;
        await using var b = secondServices;
        await first.StartAsync(CancellationToken.None);
        await second.StartAsync(CancellationToken.None);

        // Two "replicas" race for each task: each write is fenced on the last_seq the writer read, as the journal's is,
        // so a writer that lost the race reads again and continues after the winner (a takeover, over and over).
        var tasks = Enumerable.Range(0, 6).Select(_ => Guid.NewGuid()).ToList();
        const int writesPerWriter = 15;
        await SeedTasksAsync(db, tasks);
        var writers = tasks.SelectMany(task => new[] { (task, firstSignal), (task, secondSignal) })
            .Select(w => Task.Run(() => WriteFencedAsync(db, w.task, writesPerWriter, w.Item2))).ToList();
        await Task.WhenAll(writers.Take(writers.Count / 2));
        // The first replica's relay goes away halfway: the second carries on from the cursor in Postgres.
        await first.StopAsync(CancellationToken.None);
        await Task.WhenAll(writers);
        var expected = await LastSeqsAsync(db);

        var events = await WaitForStreamAsync(expected.Values.Sum());
        foreach (var task in tasks)
        {
            Assert.Equal(Enumerable.Range(1, expected[task]), events.Where(e => e.TaskId == task).Select(e => e.Seq));
        }

        await second.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task AnEventOfALowerTransactionThatCommitsLaterIsHeldBackThenPublishedFirst()
    {
        var db = await fixture.FreshAsync();
        var (relay, _, services) = OutboxFixture.Relay(db, fixture.Multiplexer);
        await using var _services = services;
        await using var early = new NpgsqlConnection(db);
        await using var late = new NpgsqlConnection(db);
        await early.OpenAsync();
        await late.OpenAsync();
        var slow = Guid.NewGuid();
        var fast = Guid.NewGuid();

        // The slow transaction takes its id first, the fast one commits first.
        await using var open = await early.BeginTransactionAsync();
        await OutboxFixture.InsertEventsAsync(early, slow, 1, 1, open);
        await OutboxFixture.InsertEventsAsync(late, fast, 1, 1);

        var held = await relay.RelayOnceAsync(CancellationToken.None);
        Assert.Equal(0, held.Published);
        Assert.True(held.HeldBack);

        await open.CommitAsync();
        var round = await relay.RelayOnceAsync(CancellationToken.None);
        Assert.Equal(2, round.Published);
        Assert.Equal([slow, fast], (await fixture.StreamAsync()).Select(e => e.TaskId));
    }

    [Fact]
    public async Task AnOpenTransactionOfAnotherDatabaseOnTheClusterDoesNotHoldEventsBack()
    {
        var db = await fixture.FreshAsync();
        var (relay, _, services) = OutboxFixture.Relay(db, fixture.Multiplexer);
        await using var _services = services;
        // The LoggingService and the other services write to their own databases on the same Postgres.
        await using var elsewhere = new NpgsqlConnection(fixture.Postgres.ConnectionString("postgres"));
        await elsewhere.OpenAsync();
        await using var open = await elsewhere.BeginTransactionAsync();
        await new NpgsqlCommand("SELECT pg_current_xact_id()", elsewhere, open).ExecuteScalarAsync();
        await using (var connection = new NpgsqlConnection(db))
        {
            await connection.OpenAsync();
            await OutboxFixture.InsertEventsAsync(connection, Guid.NewGuid(), 1, 2);
        }

        var round = await relay.RelayOnceAsync(CancellationToken.None);
        Assert.Equal(2, round.Published);
        Assert.False(round.HeldBack);
    }

    [Fact]
    public async Task OutboxRowsGoOnlyOnceTheConsumerGroupAcknowledgedThem()
    {
        var db = await fixture.FreshAsync();
        var (relay, _, services) = OutboxFixture.Relay(db, fixture.Multiplexer);
        await using var _services = services;
        await using (var connection = new NpgsqlConnection(db))
        {
            await connection.OpenAsync();
            await OutboxFixture.InsertEventsAsync(connection, Guid.NewGuid(), 1, 3);
        }

        // Published, but no LoggingService has even created its group: nothing may go.
        Assert.Equal(3, (await relay.RelayOnceAsync(CancellationToken.None)).Published);
        Assert.Equal(0, (await relay.RelayOnceAsync(CancellationToken.None)).Deleted);
        await fixture.CreateConsumerGroupAsync();
        var stream = fixture.Multiplexer.GetDatabase();

        // Delivered to a consumer that has not stored them yet (pending): still nothing goes.
        var delivered = await stream.StreamReadGroupAsync(ExecutionEventStream.Name, ExecutionEventStream.ConsumerGroup, "logging-1", StreamPosition.NewMessages, 10);
        Assert.Equal(3, delivered.Length);
        Assert.Equal(0, (await relay.RelayOnceAsync(CancellationToken.None)).Deleted);
        Assert.Equal(3, await OutboxFixture.OutboxCountAsync(db));

        // The consumer stores and acknowledges the first two only: those two go, the third waits.
        await stream.StreamAcknowledgeAsync(ExecutionEventStream.Name, ExecutionEventStream.ConsumerGroup, [delivered[0].Id, delivered[1].Id]);
        await relay.RelayOnceAsync(CancellationToken.None);
        Assert.Equal(3, await OutboxFixture.OutboxCountAsync(db));

        // Batches are the unit: with the whole batch acknowledged (and deleted from the stream, as the consumer does) it goes.
        await stream.StreamAcknowledgeAsync(ExecutionEventStream.Name, ExecutionEventStream.ConsumerGroup, delivered[2].Id);
        await stream.StreamDeleteAsync(ExecutionEventStream.Name, delivered.Select(e => e.Id).ToArray());
        Assert.Equal(3, (await relay.RelayOnceAsync(CancellationToken.None)).Deleted);
        Assert.Equal(0, await OutboxFixture.OutboxCountAsync(db));
    }

    [Fact]
    public async Task EventsOfAStreamRedisLostBeforeTheyWereConsumedArePublishedAgain()
    {
        var db = await fixture.FreshAsync();
        var (relay, _, services) = OutboxFixture.Relay(db, fixture.Multiplexer);
        await using var _services = services;
        var task = Guid.NewGuid();
        await fixture.CreateConsumerGroupAsync();
        await using (var connection = new NpgsqlConnection(db))
        {
            await connection.OpenAsync();
            await OutboxFixture.InsertEventsAsync(connection, task, 1, 4);
        }

        Assert.Equal(4, (await relay.RelayOnceAsync(CancellationToken.None)).Published);

        // Redis restarts empty before the LoggingService read anything; its consumer creates the group again.
        await fixture.Multiplexer.GetServers()[0].FlushAllDatabasesAsync();
        await fixture.CreateConsumerGroupAsync();
        Assert.True((await relay.RelayOnceAsync(CancellationToken.None)).Rewound);
        Assert.Equal(4, await OutboxFixture.OutboxCountAsync(db));
        Assert.Equal(4, (await relay.RelayOnceAsync(CancellationToken.None)).Published);
        Assert.Equal([1, 2, 3, 4], (await fixture.StreamAsync()).Select(e => e.Seq));
    }

    [Fact]
    public async Task ABatchThatReachedRedisBeforeItsTransactionFailedIsNotAddedTwice()
    {
        var db = await fixture.FreshAsync();
        var (relay, _, services) = OutboxFixture.Relay(db, fixture.Multiplexer);
        await using var _services = services;
        var task = Guid.NewGuid();
        await using var connection = new NpgsqlConnection(db);
        await connection.OpenAsync();
        await OutboxFixture.InsertEventsAsync(connection, task, 1, 1);
        Assert.Equal(1, (await relay.RelayOnceAsync(CancellationToken.None)).Published);

        // An attempt from this cursor appended seq 2 and 3, then its transaction failed (or its caller timed out).
        await OutboxFixture.InsertEventsAsync(connection, task, 2, 3);
        var attempt = await Tasks.Execution.ExecutionEventStreamScripts.AppendAsync(fixture.Multiplexer.GetDatabase(), 1,
            [.. new[] { 2, 3 }.Select(seq => System.Text.Json.JsonSerializer.Serialize(
                new ExecutionEvent(Guid.NewGuid(), task, null, seq, DateTimeOffset.UtcNow, "info", "step.progress", "attempt", null, "relay-test", null),
                System.Text.Json.JsonSerializerOptions.Web))]);
        Assert.False(attempt.Lost);

        Assert.Equal(3, (await relay.RelayOnceAsync(CancellationToken.None)).Published);
        Assert.Equal([1, 2, 3, 4], (await fixture.StreamAsync()).Select(e => e.Seq));
    }

    [Fact]
    public async Task WhileRedisIsDownEventsWaitInPostgresAndFlowWhenItIsBack()
    {
        var db = await fixture.FreshAsync();
        var redis = new AgentOrchestration.TestSupport.RedisServer();
        await using var disconnected = await ConnectionMultiplexer.ConnectAsync(
            $"{redis.ConnectionString},abortConnect=false,connectTimeout=500,syncTimeout=1000,asyncTimeout=1000");
        var (relay, signal, services) = OutboxFixture.Relay(db, disconnected);
        await using var _services = services;
        var task = Guid.NewGuid();
        await using (var connection = new NpgsqlConnection(db))
        {
            await connection.OpenAsync();
            await OutboxFixture.InsertEventsAsync(connection, task, 1, 5);
        }

        await Assert.ThrowsAnyAsync<RedisException>(() => relay.RelayOnceAsync(CancellationToken.None));
        Assert.Equal(5, await OutboxFixture.OutboxCountAsync(db));

        await relay.StartAsync(CancellationToken.None);
        await redis.InitializeAsync();
        try
        {
            var deadline = DateTime.UtcNow + Patience;
            RedisValue[] seqs = [];
            while (seqs.Length < 5 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(200);
                signal.Set();
                seqs = disconnected.IsConnected
                    ? (await disconnected.GetDatabase().StreamRangeAsync(ExecutionEventStream.Name)).Select(e => e[ExecutionEventStream.Field]).ToArray()
                    : [];
            }

            Assert.Equal(5, seqs.Length);
            await relay.StopAsync(CancellationToken.None);
        }
        finally
        {
            await redis.DisposeAsync();
        }
    }

    private static async Task SeedTasksAsync(string db, List<Guid> tasks)
    {
        await using var connection = new NpgsqlConnection(db);
        await connection.OpenAsync();
        foreach (var task in tasks)
        {
            await using var command = new NpgsqlCommand("""
                INSERT INTO tasks (id, agent_id, agent_name, status, definition, created_at, cancel_requested, takeovers, last_seq)
                VALUES ($1, gen_random_uuid(), 'relay-test', 'running', '{}', now(), false, 0, 0)
                """, connection) { Parameters = { new() { Value = task } } };
            await command.ExecuteNonQueryAsync();
        }
    }

    /// <summary>Appends 1–3 events per write to the task, fenced on last_seq like TaskJournal; a lost race reads again.</summary>
    private static async Task WriteFencedAsync(string db, Guid task, int writes, Tasks.Execution.OutboxSignal signal)
    {
        await using var connection = new NpgsqlConnection(db);
        await connection.OpenAsync();
        var random = new Random();
        for (var done = 0; done < writes;)
        {
            var last = (int)(await new NpgsqlCommand($"SELECT last_seq FROM tasks WHERE id = '{task}'", connection).ExecuteScalarAsync())!;
            var count = random.Next(1, 4);
            await using var transaction = await connection.BeginTransactionAsync();
            await using var fence = new NpgsqlCommand("UPDATE tasks SET last_seq = $1 WHERE id = $2 AND last_seq = $3", connection, transaction)
            {
                Parameters = { new() { Value = last + count }, new() { Value = task }, new() { Value = last } },
            };
            if (await fence.ExecuteNonQueryAsync() == 0)
            {
                await transaction.RollbackAsync();
                continue;
            }

            await OutboxFixture.InsertEventsAsync(connection, task, last + 1, count, transaction);
            await transaction.CommitAsync();
            signal.Set();
            done++;
        }
    }

    private static async Task<Dictionary<Guid, int>> LastSeqsAsync(string db)
    {
        await using var connection = new NpgsqlConnection(db);
        await connection.OpenAsync();
        await using var reader = await new NpgsqlCommand("SELECT id, last_seq FROM tasks", connection).ExecuteReaderAsync();
        var seqs = new Dictionary<Guid, int>();
        while (await reader.ReadAsync())
        {
            seqs[reader.GetGuid(0)] = reader.GetInt32(1);
        }

        return seqs;
    }

    private async Task<List<ExecutionEvent>> WaitForStreamAsync(int count)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            var events = await fixture.StreamAsync();
            if (events.Count >= count || DateTime.UtcNow > deadline)
            {
                return events;
            }

            await Task.Delay(100);
        }
    }
}
