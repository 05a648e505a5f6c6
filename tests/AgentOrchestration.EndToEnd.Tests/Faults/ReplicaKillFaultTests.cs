using System.Diagnostics;
using System.Text.Json;
using Npgsql;

namespace AgentOrchestration.EndToEnd.Tests.Faults;

/// <summary>
/// Fault: an ApiService replica is killed with SIGKILL while 20 multi-step tasks run. Acknowledged: 20 tasks (202 each).
/// Proven: all 20 reach a terminal state and succeed, every step succeeded exactly once, and no step that had
/// succeeded was started again by the replica that took over. Runs on its own system, since it kills part of it.
/// </summary>
public sealed class ReplicaKillFaultTests
{
    private const int Tasks = 20;

    [Fact]
    public async Task KillingAReplicaWhileTwentyTasksRunLosesNoneAndRerunsNoSucceededStep()
    {
        var dataDir = Path.Combine(Path.GetTempPath(), $"ao-fault-replica-{Guid.NewGuid():N}");
        try
        {
            await using var app = await AppHostFixture.StartAsync(dataDir);
            var api = AppHostFixture.CreateApiClient(app);
            await FaultKit.WaitForStatusAsync(api, "healthy", TimeSpan.FromSeconds(60));
            await using var db = await FaultKit.OpenTasksDbAsync(app);

            // The AppHost allows 10 unfinished tasks per agent: four agents with five tasks each.
            var agents = new List<string>();
            for (var i = 0; i < 4; i++)
            {
                agents.Add(await FaultKit.RegisterAgentAsync(api, "echo", "sleep"));
            }

            var acknowledged = new List<Guid>();
            for (var i = 0; i < Tasks; i++)
            {
                acknowledged.Add(await FaultKit.SubmitAsync(api, FaultKit.ThreeSteps(agents[i % agents.Count], sleepMs: 1500)));
            }

            Assert.Equal(Tasks, acknowledged.Count);

            // Kill the replica that holds the most leases of unfinished tasks, once work is under way.
            var (victim, leases) = await BusiestReplicaAsync(db, acknowledged);
            var killedAt = DateTimeOffset.UtcNow;
            Process.GetProcessById(victim).Kill();

            var done = await FaultKit.WaitForAllTerminalAsync(api, acknowledged, TimeSpan.FromSeconds(150));

            Assert.All(acknowledged, id => Assert.True(done[id].GetProperty("status").GetString() == "succeeded",
                $"task {id} (one of {leases} leased by the killed replica {victim}) did not succeed: {done[id]}"));
            foreach (var id in acknowledged)
            {
                var events = await ReadJournalAsync(db, id);
                foreach (var step in new[] { "first", "long", "last" })
                {
                    var ofStep = events.Where(e => e.StepId == step).ToList();
                    Assert.True(ofStep.Count(e => e.Type == "step.succeeded") == 1, $"task {id} step {step} did not succeed exactly once: {Describe(ofStep)}");
                    var succeededSeq = ofStep.Single(e => e.Type == "step.succeeded").Seq;
                    Assert.False(ofStep.Any(e => e.Type == "step.started" && e.Seq > succeededSeq),
                        $"task {id} step {step} was started again after it had succeeded: {Describe(ofStep)}");
                    if (ofStep.Single(e => e.Type == "step.succeeded").At < killedAt)
                    {
                        Assert.Equal(1, done[id].Step(step).GetProperty("attempts").GetInt32());
                        Assert.Equal(1, ofStep.Count(e => e.Type == "step.started"));
                    }
                }

                Assert.Equal(1, events.Count(e => e.Type == "task.succeeded"));
            }
        }
        finally
        {
            AppHostFixture.TryDelete(dataDir);
        }
    }

    /// <summary>Waits (bounded) until some acknowledged task is mid-way; returns the pid holding the most leases.</summary>
    private static async Task<(int Pid, int Leases)> BusiestReplicaAsync(NpgsqlConnection db, List<Guid> ids)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        var list = string.Join(",", ids.Select(id => $"'{id}'"));
        while (true)
        {
            var owners = new List<string>();
            await using (var reader = await new NpgsqlCommand(
                $"""
                SELECT t.lease_owner FROM tasks t
                WHERE t.id IN ({list}) AND t.status = 'running' AND t.lease_owner IS NOT NULL
                  AND EXISTS (SELECT 1 FROM task_steps s WHERE s.task_id = t.id AND s.step_id = 'long' AND s.status = 'running')
                """, db).ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    owners.Add(reader.GetString(0));
                }
            }

            if (owners.Count > 0)
            {
                var busiest = owners.GroupBy(o => o).OrderByDescending(g => g.Count()).First();
                return (int.Parse(busiest.Key.Split(':')[1]), busiest.Count());
            }

            Assert.True(DateTime.UtcNow < deadline, "no acknowledged task reached its sleep step within 60 s");
            await Task.Delay(100);
        }
    }

    private sealed record JournalEvent(long Seq, string Type, string? StepId, DateTimeOffset At);

    private static async Task<List<JournalEvent>> ReadJournalAsync(NpgsqlConnection db, Guid id)
    {
        var events = new List<JournalEvent>();
        await using var reader = await new NpgsqlCommand(
            $"SELECT seq, type, step_id, at FROM task_events WHERE task_id = '{id}' ORDER BY seq", db).ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            events.Add(new JournalEvent(Convert.ToInt64(reader.GetValue(0)), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2),
                reader.GetFieldValue<DateTimeOffset>(3)));
        }

        return events;
    }

    private static string Describe(IEnumerable<JournalEvent> events) => JsonSerializer.Serialize(events);
}
