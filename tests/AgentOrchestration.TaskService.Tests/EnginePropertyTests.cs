using System.Text.Json;
using AgentOrchestration.TaskService.Tasks.Model;
using CsCheck;
using Microsoft.EntityFrameworkCore;

namespace AgentOrchestration.TaskService.Tests;

/// <summary>How one attempt at a step ends in a generated run.</summary>
public enum Outcome
{
    Succeeds,
    FailsSafeToRepeat,
    FailsMaybeDone,
}

/// <summary>One generated step: its dependencies (earlier steps), policy, and what each of its attempts does.</summary>
public sealed record StepPlan(string Id, string[] DependsOn, bool ContinueOnError, int? MaxAttempts, int BackoffMs, Outcome[] Attempts)
{
    public Outcome Attempt(int n) => Attempts[Math.Min(n, Attempts.Length) - 1];
}

/// <summary>A generated task and the tool calls (1-based, over the whole run) at which its current runner is killed.</summary>
public sealed record RunPlan(StepPlan[] Steps, int[] KillAtCalls)
{
    public StepPlan Step(string id) => Steps.Single(s => s.Id == id);

    public string Json => JsonSerializer.Serialize(new
    {
        agent = "a",
        steps = Steps.Select(s => new Dictionary<string, object>
        {
            ["id"] = s.Id, ["tool"] = "echo", ["arguments"] = new { step = s.Id }, ["dependsOn"] = s.DependsOn,
            ["continueOnError"] = s.ContinueOnError,
            ["retry"] = s.MaxAttempts is { } max ? new { maxAttempts = max, backoffMs = s.BackoffMs } : null!,
        }.Where(p => p.Value is not null).ToDictionary()),
    });

    public override string ToString() =>
        $"{Json} attempts: {string.Join("; ", Steps.Select(s => $"{s.Id}=[{string.Join(",", s.Attempts)}]"))} kill at calls: [{string.Join(",", KillAtCalls)}]";

    /// <summary>
    /// The task's end when no runner is killed: failed exactly when some step that may not fail does fail in the
    /// sequential reading of the graph (a step the failure keeps from starting cannot turn it into a success).
    /// </summary>
    public string ExpectedStatus()
    {
        var status = new Dictionary<string, string>();
        foreach (var step in Steps)
        {
            var ready = step.DependsOn.All(d => status[d] == StepStatuses.Succeeded || (status[d] == StepStatuses.Failed && Step(d).ContinueOnError));
            status[step.Id] = !ready ? StepStatuses.Skipped : Runs(step);
            if (status[step.Id] == StepStatuses.Failed && !step.ContinueOnError)
            {
                return TaskStatuses.Failed;
            }
        }

        return TaskStatuses.Succeeded;
    }

    /// <summary>The engine's retry rule: a safe failure repeats while attempts last; one that may have done something only if the step asks.</summary>
    private static string Runs(StepPlan step)
    {
        var max = step.MaxAttempts ?? new Tasks.Execution.TaskOptions().DefaultMaxAttempts;
        for (var attempt = 1; ; attempt++)
        {
            var outcome = step.Attempt(attempt);
            if (outcome == Outcome.Succeeds)
            {
                return StepStatuses.Succeeded;
            }

            var mayRepeat = outcome == Outcome.FailsSafeToRepeat || step.MaxAttempts is not null;
            if (attempt >= max || !mayRepeat)
            {
                return StepStatuses.Failed;
            }
        }
    }
}

/// <summary>
/// Random step graphs with random failures, retries and killed runners (taken over by the next replica once the
/// lease lapsed), run by the real engine on real Postgres: whatever happens, the engine's invariants hold.
/// </summary>
[Collection(EngineCollection.Name)]
public sealed class EnginePropertyTests(EngineFixture engine)
{
    private static readonly Gen<Outcome> Outcomes = Gen.Frequency(
        (3, Gen.Const(Outcome.Succeeds)), (1, Gen.Const(Outcome.FailsSafeToRepeat)), (1, Gen.Const(Outcome.FailsMaybeDone)));

    private static readonly Gen<RunPlan> Plans = Gen.SelectMany(Gen.Int[1, 6], count =>
        Gen.Select(
            Gen.Select(Gen.Int[0, 63], Gen.Int[0, 3], Gen.Int[0, 3], Gen.Int[0, 300], Outcomes.Array[4],
                (deps, continueOnError, maxAttempts, backoff, attempts) => (deps, continueOnError, maxAttempts, backoff, attempts)).Array[count],
            Gen.Frequency((1, (IGen<int[]>)Gen.Const(Array.Empty<int>())), (2, Gen.Int[1, 10].Array[1, 3])),
            (steps, kills) => new RunPlan(
                [.. steps.Select((s, i) => new StepPlan(
                    $"s{i}",
                    [.. Enumerable.Range(0, i).Where(d => (s.deps & (1 << d)) != 0).Select(d => $"s{d}")],
                    s.continueOnError == 0,
                    s.maxAttempts == 0 ? null : s.maxAttempts,
                    s.backoff,
                    s.attempts))],
                [.. kills.Distinct().Order()])));

    [Fact]
    public async Task EveryRandomRunEndsTerminalWithGapFreeEventsAndNoStepRunEarlyOrAgainAfterSucceeding()
    {
        var db = await engine.NewDatabaseAsync();
        await Plans.SampleAsync(plan => RunAndCheckAsync(db, plan), iter: 40, threads: 1);
    }

    private static async Task RunAndCheckAsync(EngineDatabase db, RunPlan plan)
    {
        var clock = new ObservedClock { AdvanceOnShortWaits = TimeSpan.FromSeconds(2) }; // backoffs pass at once
        var tool = new ScriptedTool(clock);
        var calls = 0;
        var kill = new CancellationTokenSource();
        tool.Answer = (call, ct) =>
        {
            if (plan.KillAtCalls.Contains(Interlocked.Increment(ref calls)))
            {
                // The runner dies mid-call: nothing more is written by it; its lease stays until it lapses.
                _ = kill.CancelAsync();
                return ScriptedTool.HangAsync(ct);
            }

            return Task.FromResult(plan.Step(call.Step).Attempt(call.Attempt) switch
            {
                Outcome.Succeeds => ScriptedTool.Succeeded(new { step = call.Step }),
                var failure => ScriptedTool.Failed(retryable: failure == Outcome.FailsSafeToRepeat),
            });
        };

        var replica = NewReplica(db, clock, tool, 0);
        var id = await db.AddTaskAsync(plan.Json, replica.Id, replica.Options.LeaseDuration, clock);
        TaskRecord task;
        for (var round = 1; ; round++)
        {
            await replica.Runner.RunAsync(id, kill.Token).WaitAsync(Eventually.Limit);
            await replica.DisposeAsync();
            task = await db.GetAsync(id);
            if (TaskStatuses.IsTerminal(task.Status))
            {
                break;
            }

            Assert.True(kill.IsCancellationRequested, $"Only a killed runner leaves a task unfinished; {task.Status}");
            Assert.True(round < 10, "The task should have ended within its takeover limit");
            kill = new CancellationTokenSource();
            clock.Advance(replica.Options.LeaseDuration + TimeSpan.FromSeconds(1));
            replica = NewReplica(db, clock, tool, round);
            await ClaimAsync(db, id, replica, clock.GetUtcNow());
        }

        var events = await db.EventsAsync(id);
        CheckInvariants(plan, task, events);
        if (task.Takeovers == 0)
        {
            Assert.Equal(plan.ExpectedStatus(), task.Status);
        }
    }

    private static void CheckInvariants(RunPlan plan, TaskRecord task, List<StoredEvent> events)
    {
        Assert.All(task.Steps, s => Assert.True(StepStatuses.IsDone(s.Status), $"step {s.StepId} ended {s.Status}"));
        Assert.Equal(Enumerable.Range(1, events.Count), events.Select(e => e.Seq));
        Assert.Equal(task.LastSeq, events.Count);
        Assert.True(events.Zip(events.Skip(1)).All(p => p.First.At <= p.Second.At), "events are in time order");
        Assert.Equal("task.started", events[0].Type);
        Assert.Single(events, e => e.Type == "task.started");
        Assert.StartsWith("task.", events[^1].Type);
        Assert.Single(events, e => e.Type is "task.succeeded" or "task.failed" or "task.cancelled" or "task.timed_out");

        foreach (var step in plan.Steps)
        {
            var own = events.Where(e => e.StepId == step.Id).ToList();
            var succeeded = own.FindIndex(e => e.Type == "step.succeeded");
            Assert.True(succeeded < 0 || own.Skip(succeeded + 1).All(e => e.Type != "step.started"), $"{step.Id} ran again after it succeeded");
            Assert.True(own.Count(e => e.Type == "step.succeeded") <= 1, $"{step.Id} succeeded twice");
            Assert.Equal(succeeded >= 0, task.Steps.Single(s => s.StepId == step.Id).Status == StepStatuses.Succeeded);

            foreach (var start in own.Where(e => e.Type == "step.started"))
            {
                foreach (var dependency in step.DependsOn)
                {
                    var allowed = plan.Step(dependency).ContinueOnError ? new[] { "step.succeeded", "step.failed" } : ["step.succeeded"];
                    Assert.True(events.Any(e => e.StepId == dependency && allowed.Contains(e.Type) && e.Seq < start.Seq),
                        $"{step.Id} started (seq {start.Seq}) before its dependency {dependency} was done");
                }
            }
        }
    }

    private static EngineReplica NewReplica(EngineDatabase db, ObservedClock clock, ScriptedTool tool, int n) =>
        new($"replica-{n}", db, clock, tool, o => o.MaxTakeovers = 2);

    /// <summary>The worker's claim of a lapsed lease (a takeover), for the one task of the run.</summary>
    private static async Task ClaimAsync(EngineDatabase db, Guid id, EngineReplica replica, DateTimeOffset now)
    {
        await using var context = db.NewDb();
        var claimed = await context.Database.ExecuteSqlAsync($"""
            UPDATE tasks SET lease_owner = {replica.Id}, lease_expires_at = {now + replica.Options.LeaseDuration}, takeovers = takeovers + 1
            WHERE id = {id} AND lease_expires_at < {now}
            """);
        Assert.Equal(1, claimed);
    }
}
