using System.Text.Json;
using AgentOrchestration.TaskService.Tasks.Execution;
using Npgsql;

namespace AgentOrchestration.TaskService.Tests;

/// <summary>
/// What one relay poll costs Postgres, counted in buffers (pages) its statements touch, not in time: the outbox keeps
/// relayed events for the retention period (minutes of traffic), and a poll must not read them again.
/// </summary>
[Collection(OutboxCollection.Name)]
public sealed class OutboxPlanTests(OutboxFixture fixture)
{
    private const int Retained = 30_000;

    /// <summary>A batch's pages plus the index's upper levels; reading every retained event is thousands.</summary>
    private const long MaxBlocksPerStatement = 100;

    [Fact]
    public async Task APollTouchesTheEventsAfterTheCursorNotTheRelayedOnesTheOutboxRetains()
    {
        var db = await fixture.FreshAsync();
        await using var connection = new NpgsqlConnection(db);
        await connection.OpenAsync();
        var task = Guid.NewGuid();
        await OutboxFixture.InsertEventsAsync(connection, task, 1, Retained);
        // Published already: the cursor stands on the last of them, as the relay leaves it.
        await ExecuteAsync(connection, """
            INSERT INTO outbox_batches (end_xid, end_task_id, end_seq, stream_ms, stream_seq, stream_added, published_at)
            SELECT xid, task_id, seq, 0, 0, -1, now() FROM task_events ORDER BY xid DESC, task_id DESC, seq DESC LIMIT 1
            """);
        await OutboxFixture.InsertEventsAsync(connection, task, Retained + 1, 3);
        await ExecuteAsync(connection, "ANALYZE task_events");

        var (readBlocks, readRows) = await CostAsync(connection, OutboxStore.ReadEventsSql.Replace("$1", "500"));
        var (cursorBlocks, _) = await CostAsync(connection, OutboxStore.CursorSql);

        Assert.Equal(3, readRows);
        Assert.True(readBlocks <= MaxBlocksPerStatement, $"reading the next batch touched {readBlocks} buffers with {Retained} relayed events retained");
        Assert.True(cursorBlocks <= MaxBlocksPerStatement, $"reading the cursor touched {cursorBlocks} buffers with {Retained} relayed events retained");
    }

    /// <summary>The statement run under EXPLAIN ANALYZE: the buffers its plan touched and the rows it returned.</summary>
    private static async Task<(long Blocks, long Rows)> CostAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand($"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) {sql}", connection);
        using var plan = JsonDocument.Parse((string)(await command.ExecuteScalarAsync())!);
        var top = plan.RootElement[0].GetProperty("Plan");
        var blocks = top.GetProperty("Shared Hit Blocks").GetInt64() + top.GetProperty("Shared Read Blocks").GetInt64();
        return (blocks, (long)top.GetProperty("Actual Rows").GetDouble()); // a number with decimals from Postgres 18 on
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
