using System.Net;
using Npgsql;

namespace AgentOrchestration.EndToEnd.Tests;

/// <summary>
/// Durability across replicas: the ApiService replica running a task is killed (SIGKILL, no goodbye) in the middle
/// of it; the other replica takes the task over when the lease lapses and finishes it without re-running the
/// steps that had already succeeded. Runs on its own AppHost, since it kills part of it.
/// </summary>
public sealed class ReplicaFailoverTests
{
    [Fact]
    public async Task ATaskWhoseReplicaIsKilledFinishesOnTheOtherWithoutRerunningSucceededSteps()
    {
        var dataDir = Path.Combine(Path.GetTempPath(), $"ao-failover-{Guid.NewGuid():N}");
        try
        {
            await using var app = await AppHostFixture.StartAsync(dataDir);
            var api = AppHostFixture.CreateApiClient(app);
            var agent = await api.RegisterAgentAsync("echo", "sleep");

            var accepted = await api.ExecuteAsync($$$"""
                { "agent": "{{{agent}}}", "steps": [
                    { "id": "first", "tool": "echo", "arguments": { "text": "before the crash" } },
                    { "id": "long", "tool": "sleep", "arguments": { "ms": 10000 }, "dependsOn": ["first"] },
                    { "id": "last", "tool": "echo", "arguments": { "text": "{{steps.first.output.text}}" }, "dependsOn": ["long"] } ] }
                """, prefer: "respond-async", idempotencyKey: Guid.NewGuid().ToString("N"));
            Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
            var id = (await accepted.ReadJsonAsync()).GetProperty("id").GetGuid();
            await api.WaitForTaskAsync(id, t => t.Step("long").GetProperty("status").GetString() == "running");

            await using var db = new NpgsqlConnection(await app.GetConnectionStringAsync(ResourceNames.TasksDb));
            await db.OpenAsync();
            var owner = (string)(await new NpgsqlCommand($"SELECT lease_owner FROM tasks WHERE id = '{id}'", db).ExecuteScalarAsync())!;
            var pid = int.Parse(owner.Split(':')[1]);
            System.Diagnostics.Process.GetProcessById(pid).Kill();

            var done = await api.WaitForTaskAsync(id, TaskClient.IsTerminal, TimeSpan.FromSeconds(90));

            Assert.Equal("succeeded", done.GetProperty("status").GetString());
            Assert.Equal("before the crash", done.Step("last").GetProperty("output").GetProperty("text").GetString());
            Assert.Equal(1, done.Step("first").GetProperty("attempts").GetInt32());
            var starts = await new NpgsqlCommand(
                $"SELECT count(*) FROM task_events WHERE task_id = '{id}' AND step_id = 'first' AND type = 'step.started'", db).ExecuteScalarAsync();
            Assert.Equal(1L, starts);
            var newOwner = await new NpgsqlCommand($"SELECT count(*) FROM task_events WHERE task_id = '{id}' AND type = 'task.succeeded'", db).ExecuteScalarAsync();
            Assert.Equal(1L, newOwner);
        }
        finally
        {
            AppHostFixture.TryDelete(dataDir);
        }
    }
}
