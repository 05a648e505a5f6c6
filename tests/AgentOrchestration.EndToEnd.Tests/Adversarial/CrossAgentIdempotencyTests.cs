using System.Text;
using System.Text.Json;

namespace AgentOrchestration.EndToEnd.Tests.Adversarial;

/// <summary>
/// Idempotency keys belong to their caller. Agent B reusing agent A's key must not get A's task, nor learn that it
/// exists (a 422 naming A's task id told B both), while A's own retry still returns A's task.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class CrossAgentIdempotencyTests(AppHostFixture fixture) : IDisposable
{
    private readonly GatewayClient _gateway = new(fixture.App);

    public void Dispose() => _gateway.Dispose();

    [Fact]
    public async Task AnotherAgentReusingAKeyGetsItsOwnTaskOrAProblemThatDoesNotNameTheFirst()
    {
        var a = await fixture.Api.RegisterAgentWithKeyAsync("echo");
        var b = await fixture.Api.RegisterAgentWithKeyAsync("echo");
        var key = $"shared-{Guid.NewGuid():N}";

        var first = await SubmitAsync(a, a.Name, "from a", key);
        Assert.True(first.Status is 200 or 202, $"A's task: {first}");
        var taskOfA = JsonDocument.Parse(first.Body).RootElement.GetProperty("id").GetString()!;

        var reused = await SubmitAsync(b, b.Name, "from b", key);

        Assert.Null(Invariants.Check(reused));
        Assert.False(reused.Body.Contains(taskOfA, StringComparison.OrdinalIgnoreCase), $"B's answer names A's task {taskOfA}: {reused}");
        if (reused.Status is 200 or 202)
        {
            var task = JsonDocument.Parse(reused.Body).RootElement;
            Assert.Equal(b.Name, task.GetProperty("agent").GetString());
        }

        var replay = await SubmitAsync(a, a.Name, "from a", key);
        Assert.True(replay.Status is 200 or 202 && replay.Body.Contains(taskOfA, StringComparison.OrdinalIgnoreCase), $"A's retry must return A's task {taskOfA}: {replay}");
    }

    [Fact]
    public async Task AnotherAgentReplayingTheFirstAgentsExactRequestLearnsNothingOfItsTask()
    {
        var a = await fixture.Api.RegisterAgentWithKeyAsync("echo");
        var b = await fixture.Api.RegisterAgentWithKeyAsync("echo");
        var key = $"shared-{Guid.NewGuid():N}";
        var first = await SubmitAsync(a, a.Name, "from a", key);
        Assert.True(first.Status is 200 or 202, $"A's task: {first}");
        var taskOfA = JsonDocument.Parse(first.Body).RootElement.GetProperty("id").GetString()!;

        // B sends A's very body (agent: A) with A's key: it may not run as A, and must not be handed A's task.
        var replayed = await SubmitAsync(b, a.Name, "from a", key);

        Assert.True(replayed.Status is 403 or 404 && Invariants.Check(replayed) is null, $"B submitting as A: {replayed}");
        Assert.False(replayed.Body.Contains(taskOfA, StringComparison.OrdinalIgnoreCase), $"B's answer names A's task {taskOfA}: {replayed}");
    }

    private Task<Answer> SubmitAsync(Keys.AgentWithKey caller, string agent, string text, string idempotencyKey) =>
        _gateway.SendAsync("POST", "/execute-task", caller.ApiKey,
            Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { agent, tool = "echo", arguments = new { text } })),
            [("Idempotency-Key", idempotencyKey), ("Prefer", "wait=10")]);
}
