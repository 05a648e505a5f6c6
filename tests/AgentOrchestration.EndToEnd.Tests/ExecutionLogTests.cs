using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;

namespace AgentOrchestration.EndToEnd.Tests;

/// <summary>Execution events through the gateway: persisted, streamed live, resumable, and never lost.</summary>
[Collection(SystemCollection.Name)]
public sealed class ExecutionLogTests(AppHostFixture fixture)
{
    private static readonly TimeSpan StreamTimeout = TimeSpan.FromSeconds(60);

    private HttpClient Api => fixture.Api;

    /// <summary>Streams stay open for as long as the task runs: no resilience timeouts on this client.</summary>
    private HttpClient StreamClient => new()
    {
        BaseAddress = fixture.Api.BaseAddress,
        Timeout = Timeout.InfiniteTimeSpan,
        DefaultRequestHeaders = { Authorization = new("Bearer", AppHostFixture.AdminApiKey) },
    };

    private static string ThreeSteps(string agent) => $$$"""
        { "agent": "{{{agent}}}", "steps": [
            { "id": "a", "tool": "echo", "arguments": { "text": "one" } },
            { "id": "b", "tool": "sleep", "arguments": { "ms": 600 }, "dependsOn": ["a"] },
            { "id": "c", "tool": "echo", "arguments": { "text": "{{steps.a.output.text}}" }, "dependsOn": ["b"] } ] }
        """;

    [Fact]
    public async Task ASubscriberConnectedBeforeTheTaskAndOneConnectedAfterItSeeTheSameCompleteSequence()
    {
        var agent = await Api.RegisterAgentAsync("echo", "sleep");
        using var live = await SseReader.OpenAsync(StreamClient, $"/logs/stream?agent={agent}");
        var id = await SubmitAsync(agent);

        var liveEvents = await live.ReadUntilAsync(SseReader.IsTerminal, StreamTimeout);
        using var later = await SseReader.OpenAsync(StreamClient, $"/tasks/{id}/logs/stream");
        var replayed = await later.ReadUntilAsync(_ => false, StreamTimeout); // ends by itself after the terminal event

        var liveSeqs = liveEvents.Select(e => e.Data.GetProperty("seq").GetInt32()).ToList();
        Assert.Equal(Enumerable.Range(1, liveSeqs.Count), liveSeqs);
        Assert.Equal("task.queued", liveEvents[0].Type);
        Assert.Equal("task.succeeded", liveEvents[^1].Type);
        Assert.Equal(liveEvents.Select(e => (e.Type, e.Data.GetProperty("seq").GetInt32())), replayed.Select(e => (e.Type, int.Parse(e.Id!))));
        Assert.Contains(liveEvents, e => e.Type == "step.succeeded" && e.Data.GetProperty("stepId").GetString() == "b");
    }

    [Fact]
    public async Task ResumingWithLastEventIdContinuesWithNoGapAndNoDuplicate()
    {
        var agent = await Api.RegisterAgentAsync("echo", "sleep");
        var id = await SubmitAsync(agent);

        List<SseEvent> first;
        using (var stream = await SseReader.OpenAsync(StreamClient, $"/tasks/{id}/logs/stream"))
        {
            first = await stream.ReadUntilAsync(e => e.Type == "step.started", StreamTimeout);
        }

        using var resumed = await SseReader.OpenAsync(StreamClient, $"/tasks/{id}/logs/stream", lastEventId: first[^1].Id);
        var rest = await resumed.ReadUntilAsync(_ => false, StreamTimeout);

        var seqs = first.Concat(rest).Select(e => int.Parse(e.Id!)).ToList();
        Assert.Equal(Enumerable.Range(1, seqs.Count), seqs);
        Assert.True(SseReader.IsTerminal(rest[^1]));
    }

    [Fact]
    public async Task StoredLogsCanBeFilteredByAfterLevelAndStep()
    {
        var agent = await Api.RegisterAgentAsync("echo", "fail");
        var task = await (await Api.ExecuteAsync($$$"""
            { "agent": "{{{agent}}}", "steps": [ { "id": "f", "tool": "fail", "arguments": { "message": "nope" } } ] }
            """)).ReadJsonAsync();
        var id = task.GetProperty("id").GetGuid();

        var all = await WaitForLogsAsync(id, e => e.Any(x => x.GetProperty("type").GetString() == "task.failed"));
        var errors = await (await Api.GetAsync($"/tasks/{id}/logs?level=error")).ReadJsonAsync();
        var ofStep = await (await Api.GetAsync($"/tasks/{id}/logs?step=f")).ReadJsonAsync();
        var after2 = await (await Api.GetAsync($"/tasks/{id}/logs?after=2")).ReadJsonAsync();

        Assert.All(errors.EnumerateArray(), e => Assert.Equal("error", e.GetProperty("level").GetString()));
        Assert.Contains(errors.EnumerateArray(), e => e.GetProperty("type").GetString() == "step.failed");
        Assert.All(ofStep.EnumerateArray(), e => Assert.Equal("f", e.GetProperty("stepId").GetString()));
        Assert.Equal(all.Count - 2, after2.GetArrayLength());
        await (await Api.GetAsync($"/tasks/{id}/logs?level=loud")).AssertProblemAsync(400, "validation_failed");
    }

    [Fact]
    public async Task EventsPublishedWhileTheLoggingServiceIsStoppedAreDeliveredAfterItRestarts()
    {
        var agent = await Api.RegisterAgentAsync("echo", "sleep");
        var commands = fixture.App.Services.GetRequiredService<ResourceCommandService>();
        // An outage as it happens: the process dies without a goodbye.
        KillLoggingService();
        await fixture.App.ResourceNotifications.WaitForResourceAsync(ResourceNames.LoggingService,
            e => e.Snapshot.State?.Text is "Finished" or "Exited" or "FailedToStart").WaitAsync(TimeSpan.FromSeconds(30));
        Guid id;
        try
        {
            var task = await (await Api.ExecuteAsync(ThreeSteps(agent))).ReadJsonAsync();
            Assert.Equal("succeeded", task.GetProperty("status").GetString());
            id = task.GetProperty("id").GetGuid();
        }
        finally
        {
            var started = await commands.ExecuteCommandAsync(ResourceNames.LoggingService, KnownResourceCommands.StartCommand);
            Assert.True(started.Success, started.Message);
            await fixture.App.ResourceNotifications.WaitForResourceHealthyAsync(ResourceNames.LoggingService)
                .WaitAsync(TimeSpan.FromMinutes(2));
        }

        var events = await WaitForLogsAsync(id, e => e.Any(x => x.GetProperty("type").GetString() == "task.succeeded"));
        Assert.Equal(Enumerable.Range(1, events.Count), events.Select(e => e.GetProperty("seq").GetInt32()));
    }

    private static void KillLoggingService()
    {
        var processes = System.Diagnostics.Process.GetProcesses()
            .Where(p => { try { return p.MainModule?.FileName?.EndsWith("/AgentOrchestration.LoggingService", StringComparison.Ordinal) == true; } catch { return false; } })
            .ToList();
        Assert.NotEmpty(processes);
        foreach (var process in processes)
        {
            process.Kill();
        }
    }

    private async Task<Guid> SubmitAsync(string agent)
    {
        var accepted = await Api.ExecuteAsync(ThreeSteps(agent), prefer: "respond-async");
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        return (await accepted.ReadJsonAsync()).GetProperty("id").GetGuid();
    }

    private async Task<List<JsonElement>> WaitForLogsAsync(Guid id, Func<List<JsonElement>, bool> until)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var response = await Api.GetAsync($"/tasks/{id}/logs");
            if (response.StatusCode == HttpStatusCode.OK)
            {
                var events = (await response.Content.ReadFromJsonAsync<List<JsonElement>>())!;
                if (until(events))
                {
                    return events;
                }
            }

            Assert.True(DateTime.UtcNow < deadline, $"the logs of task {id} never became complete");
            await Task.Delay(250);
        }
    }
}
