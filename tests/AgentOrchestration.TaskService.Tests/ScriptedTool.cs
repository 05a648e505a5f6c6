using System.Collections.Concurrent;
using System.Text.Json;
using AgentOrchestration.TaskService.Tasks.Execution;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace AgentOrchestration.TaskService.Tests;

/// <summary>One call the engine made to the tool: for which step (its <c>step</c> argument), by which replica, when on the test's clock.</summary>
public sealed record ToolCall(string Step, int Attempt, string Replica, TimeSpan At);

/// <summary>
/// The ToolService as a test scripts it: each step names itself in its arguments (<c>{"step": "a"}</c>), every call
/// is recorded (which replica made it, when on the test's clock), and <see cref="Answer"/> decides the reply.
/// </summary>
public sealed class ScriptedTool(TimeProvider clock)
{
    private readonly ConcurrentQueue<ToolCall> _calls = new();

    /// <summary>The reply to a call; by default the step succeeds with <c>{"step": …, "by": replica}</c>.</summary>
    public Func<ToolCall, CancellationToken, Task<HttpResponseMessage>> Answer { get; set; } =
        (call, _) => Task.FromResult(Succeeded(new { step = call.Step, by = call.Replica }));

    public IReadOnlyList<ToolCall> Calls => [.. _calls];

    public int CallsOf(string step) => _calls.Count(c => c.Step == step);

    /// <summary>Waits (bounded) until the engine has made <paramref name="count"/> calls in all: the call is in the tool's hands.</summary>
    public Task CalledAsync(int count = 1) => Eventually.UntilAsync(() => Task.FromResult(_calls.Count), n => n >= count, $"called {count} time(s)");

    /// <summary>The tool as one replica calls it.</summary>
    public Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> For(string replica) => async (request, cancellationToken) =>
    {
        using var body = JsonDocument.Parse(await request.Content!.ReadAsStringAsync(cancellationToken));
        var step = body.RootElement.GetProperty("arguments").GetProperty("step").GetString()!;
        var call = new ToolCall(step, CallsOf(step) + 1, replica, clock.GetUtcNow() - ObservedClock.Epoch);
        _calls.Enqueue(call);
        return await Answer(call, cancellationToken);
    };

    public static HttpResponseMessage Succeeded(object output) => EngineFixture.Stream(
        JsonSerializer.Serialize(new { result = new { output, isError = false, durationMs = 1, attempts = 1 } }) + "\n");

    /// <summary>A failed call; <paramref name="retryable"/> is the ToolService saying a repeat is safe.</summary>
    public static HttpResponseMessage Failed(bool retryable) => EngineFixture.Stream(
        JsonSerializer.Serialize(new { result = new { isError = true, error = "HTTP 503", durationMs = 1, attempts = 1, retryable } }) + "\n");

    /// <summary>A call that never answers: it ends only when the engine cancels it.</summary>
    public static async Task<HttpResponseMessage> HangAsync(CancellationToken cancellationToken)
    {
        await Task.Delay(Timeout.Infinite, cancellationToken);
        throw new InvalidOperationException("unreachable");
    }
}

/// <summary>One replica of the engine (its own services, id and slots) on the test's database and clock.</summary>
public sealed class EngineReplica : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    public EngineReplica(string id, EngineDatabase database, TimeProvider clock, ScriptedTool tool,
        Action<TaskOptions>? configure = null, DbCommandInterceptor? intercept = null)
    {
        Options = new TaskOptions { ReplicaId = id, LeaseDuration = TimeSpan.FromSeconds(10) };
        configure?.Invoke(Options);
        _services = EngineFixture.Services(tool.For(id), Options, database, clock, intercept);
    }

    public TaskOptions Options { get; }

    public string Id => Options.ReplicaId;

    public TaskRunner Runner => _services.GetRequiredService<TaskRunner>();

    public TaskWorker Worker => _services.GetRequiredService<TaskWorker>();

    public TaskSignals Signals => _services.GetRequiredService<TaskSignals>();

    /// <summary>How often the worker polls for lapsed leases when nothing wakes it (it sets a timer this long).</summary>
    public TimeSpan IdlePoll => Options.LeaseDuration / 5;

    /// <summary>How often a running task's lease is renewed.</summary>
    public TimeSpan Heartbeat => Options.LeaseDuration / 3;

    public async ValueTask DisposeAsync()
    {
        await Worker.StopAsync(CancellationToken.None);
        await _services.DisposeAsync();
    }
}
