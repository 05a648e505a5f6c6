using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AgentOrchestration.EndToEnd.Tests.Faults;

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

    /// <summary>
    /// An outage as it happens (this system's LoggingService dies without a goodbye): every logging route answers
    /// 503 dependency_unavailable within seconds, tasks still run, and after the restart their events are all there.
    /// </summary>
    [Fact]
    public async Task WhileTheLoggingServiceIsDownItsRoutesAnswer503FastAndItsEventsArriveAfterItRestarts()
    {
        var agent = await Api.RegisterAgentAsync("echo", "sleep");
        var before = await (await Api.ExecuteAsync(ThreeSteps(agent))).ReadJsonAsync();
        await KillLoggingServiceAsync();
        await FaultKit.WaitForExitedAsync(fixture.App, ResourceNames.LoggingService);
        Guid id;
        try
        {
            var beforeId = before.GetProperty("id").GetGuid();
            foreach (var route in (string[])[$"/tasks/{beforeId}/logs", "/openapi/logging.json", $"/tasks/{beforeId}/logs/stream", "/logs/stream"])
            {
                using var quick = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                var started = System.Diagnostics.Stopwatch.StartNew();
                using var response = await StreamClient.GetAsync(route, HttpCompletionOption.ResponseHeadersRead, quick.Token);
                await response.AssertProblemAsync(503, "dependency_unavailable");
                Assert.True(started.Elapsed < TimeSpan.FromSeconds(6), $"{route} took {started.Elapsed.TotalSeconds:0.0} s to answer 503");
            }

            var task = await (await Api.ExecuteAsync(ThreeSteps(agent))).ReadJsonAsync();
            Assert.Equal("succeeded", task.GetProperty("status").GetString());
            id = task.GetProperty("id").GetGuid();
        }
        finally
        {
            await FaultKit.StartAsync(fixture.App, ResourceNames.LoggingService);
        }

        var events = await WaitForLogsAsync(id, e => e.Any(x => x.GetProperty("type").GetString() == "task.succeeded"));
        Assert.Equal(Enumerable.Range(1, events.Count), events.Select(e => e.GetProperty("seq").GetInt32()));
        Assert.Equal(HttpStatusCode.OK, (await Api.GetAsync("/openapi/logging.json")).StatusCode);
    }

    /// <summary>Headers come at once, not with the first event or the 15 s heartbeat: EventSource reports "open" straight away.</summary>
    [Fact]
    public async Task StreamsAreOpenAtOnceAndClosingThemLeavesNoErrorInTheLoggingService()
    {
        var agent = await Api.RegisterAgentAsync("sleep");
        var accepted = await Api.ExecuteAsync($$"""
            { "agent": "{{agent}}", "steps": [ { "id": "s", "tool": "sleep", "arguments": { "ms": 8000 } } ] }
            """, prefer: "respond-async");
        var id = (await accepted.ReadJsonAsync()).GetProperty("id").GetGuid();
        foreach (var route in (string[])[$"/logs/stream?agent={agent}", $"/tasks/{id}/logs/stream?after=1000"])
        {
            var started = System.Diagnostics.Stopwatch.StartNew();
            using (var stream = await SseReader.OpenAsync(StreamClient, route).WaitAsync(TimeSpan.FromSeconds(14)))
            {
                // Well below the 15 s heartbeat: the headers come at once, not with the first heartbeat.
                Assert.True(started.Elapsed < TimeSpan.FromSeconds(8), $"{route}: headers after {started.Elapsed.TotalSeconds:0.0} s");
            }
        }

        await Task.Delay(TimeSpan.FromSeconds(1)); // the service notices the disconnects
        var logs = await ResourceLogs.CollectAsync(fixture.App, TimeSpan.FromSeconds(2));
        Assert.DoesNotContain(logs, line => line.Contains("must not be null", StringComparison.Ordinal));
    }

    /// <summary>A live stream that sat idle past a heartbeat still delivers: the heartbeat's timer is renewed, not left fired.</summary>
    [Fact]
    public async Task ALiveStreamStillDeliversEventsAfterAHeartbeat()
    {
        var agent = await Api.RegisterAgentAsync("echo", "sleep");
        using var stream = await SseReader.OpenAsync(StreamClient, $"/logs/stream?agent={agent}");
        await Task.Delay(ServerSentEventsHeartbeat + TimeSpan.FromSeconds(2));

        var id = await SubmitAsync(agent);
        var events = await stream.ReadUntilAsync(SseReader.IsTerminal, StreamTimeout);
        Assert.NotEmpty(events);
        Assert.Equal("task.succeeded", events[^1].Type);
        Assert.StartsWith($"{id}:", events[^1].Id);
    }

    /// <summary>The LoggingService's heartbeat interval (ServerSentEvents.HeartbeatInterval).</summary>
    private static readonly TimeSpan ServerSentEventsHeartbeat = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task TheStreamOfAnUnknownTaskIs404()
    {
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using var response = await StreamClient.GetAsync($"/tasks/{Guid.NewGuid()}/logs/stream", HttpCompletionOption.ResponseHeadersRead, cancel.Token);
        await response.AssertProblemAsync(404, "not_found");
    }

    /// <summary>A standard EventSource reconnects when a stream ends, with the last id it saw; after the terminal event that is 204, which makes it stop.</summary>
    [Fact]
    public async Task ReconnectingAfterTheTerminalEventIs204()
    {
        var agent = await Api.RegisterAgentAsync("echo", "sleep");
        var id = await SubmitAsync(agent);
        string terminalId;
        using (var stream = await SseReader.OpenAsync(StreamClient, $"/tasks/{id}/logs/stream"))
        {
            var events = await stream.ReadUntilAsync(_ => false, StreamTimeout);
            Assert.True(SseReader.IsTerminal(events[^1]));
            terminalId = events[^1].Id!;
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, $"/tasks/{id}/logs/stream");
        request.Headers.Add("Last-Event-ID", terminalId);
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using var reconnect = await StreamClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancel.Token);
        Assert.Equal(HttpStatusCode.NoContent, reconnect.StatusCode);

        // An earlier id still resumes: only a client that has seen the end is told to stop.
        using var earlier = await SseReader.OpenAsync(StreamClient, $"/tasks/{id}/logs/stream", lastEventId: (int.Parse(terminalId) - 1).ToString());
        Assert.Equal([terminalId], (await earlier.ReadUntilAsync(_ => false, StreamTimeout)).Select(e => e.Id));
    }

    /// <summary>Only this system's LoggingService: other systems on the machine (a developer's ./run.sh) are left alone.</summary>
    private async Task KillLoggingServiceAsync()
    {
        var mine = (await FaultKit.ServiceProcessesAsync(fixture.App)).Where(p => p.Name == "AgentOrchestration.LoggingService").ToList();
        Assert.Single(mine);
        System.Diagnostics.Process.GetProcessById(mine[0].Pid).Kill();
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
