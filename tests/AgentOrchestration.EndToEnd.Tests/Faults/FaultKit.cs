using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace AgentOrchestration.EndToEnd.Tests.Faults;

/// <summary>What the fault tests share: submitting batches, bounded waits for many tasks and their logs, and resource control.</summary>
internal static class FaultKit
{
    /// <summary>echo → sleep → echo: long enough for a fault to land in the middle.</summary>
    public static string ThreeSteps(string agent, int sleepMs) => $$$"""
        { "agent": "{{{agent}}}", "steps": [
            { "id": "first", "tool": "echo", "arguments": { "text": "one" } },
            { "id": "long", "tool": "sleep", "arguments": { "ms": {{{sleepMs}}} }, "dependsOn": ["first"] },
            { "id": "last", "tool": "echo", "arguments": { "text": "{{steps.first.output.text}}" }, "dependsOn": ["long"] } ] }
        """;

    /// <summary>Submits asynchronously; every returned id was acknowledged with 202.</summary>
    public static async Task<Guid> SubmitAsync(HttpClient api, string json)
    {
        // An idempotency key: the client's resilience handler may retry it, and it is still one task.
        var accepted = await api.ExecuteAsync(json, prefer: "respond-async", idempotencyKey: Guid.NewGuid().ToString("N"));
        Assert.True(accepted.StatusCode == HttpStatusCode.Accepted,
            $"submission was not acknowledged: {(int)accepted.StatusCode} {await accepted.Content.ReadAsStringAsync()}");
        return (await accepted.ReadJsonAsync()).GetProperty("id").GetGuid();
    }

    /// <summary>Waits (bounded) until every acknowledged task is terminal; fails naming the ones that are not.</summary>
    public static async Task<Dictionary<Guid, JsonElement>> WaitForAllTerminalAsync(HttpClient api, IReadOnlyCollection<Guid> ids, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        var done = new Dictionary<Guid, JsonElement>();
        var last = new Dictionary<Guid, string>();
        while (true)
        {
            foreach (var id in ids.Where(id => !done.ContainsKey(id)))
            {
                try
                {
                    var response = await api.GetAsync($"/tasks/{id}");
                    var body = await response.Content.ReadAsStringAsync();
                    last[id] = $"{(int)response.StatusCode} {body}";
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        var task = JsonDocument.Parse(body).RootElement.Clone();
                        if (TaskClient.IsTerminal(task))
                        {
                            done[id] = task;
                        }
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or Polly.ExecutionRejectedException)
                {
                    last[id] = ex.Message;
                }
            }

            if (done.Count == ids.Count)
            {
                return done;
            }

            Assert.True(DateTime.UtcNow < deadline,
                $"{ids.Count - done.Count} of {ids.Count} acknowledged tasks did not reach a terminal state within {timeout.TotalSeconds} s; " +
                string.Join("; ", ids.Where(id => !done.ContainsKey(id)).Take(3).Select(id => $"{id}: {last.GetValueOrDefault(id)}")));
            await Task.Delay(500);
        }
    }

    /// <summary>Asserts a stored log is complete: seq 1..N without gaps, the terminal event last, as many events as the task journaled.</summary>
    public static async Task AssertLogCompleteAsync(NpgsqlConnection tasksDb, Guid id, List<JsonElement> events, string terminalType)
    {
        Assert.Equal(Enumerable.Range(1, events.Count), events.Select(e => e.GetProperty("seq").GetInt32()));
        Assert.Equal(terminalType, events[^1].GetProperty("type").GetString());
        var journaled = (long)(await new NpgsqlCommand($"SELECT count(*) FROM task_events WHERE task_id = '{id}'", tasksDb).ExecuteScalarAsync())!;
        Assert.True(journaled == events.Count, $"task {id} journaled {journaled} events but the log store holds {events.Count}");
    }

    public static async Task<NpgsqlConnection> OpenTasksDbAsync(DistributedApplication app)
    {
        var db = new NpgsqlConnection(await app.GetConnectionStringAsync(ResourceNames.TasksDb));
        await db.OpenAsync();
        return db;
    }

    /// <summary>
    /// The process ids of this system's service processes (both TaskService replicas included): those whose environment
    /// names this system's Postgres port, so other systems running on the machine are not counted.
    /// </summary>
    public static async Task<List<(string Name, int Pid)>> ServiceProcessesAsync(DistributedApplication app)
    {
        var port = new NpgsqlConnectionStringBuilder(await app.GetConnectionStringAsync(ResourceNames.TasksDb)).Port;
        var mine = $"Port={port};";
        var found = new List<(string Name, int Pid)>();
        foreach (var process in Process.GetProcesses())
        {
            try
            {
                var name = Path.GetFileName(process.MainModule?.FileName);
                if (name is "AgentOrchestration.ApiService" or "AgentOrchestration.TaskService" or "AgentOrchestration.AgentService" or "AgentOrchestration.ToolService"
                        or "AgentOrchestration.LoggingService"
                    && File.ReadAllText($"/proc/{process.Id}/environ").Contains(mine, StringComparison.Ordinal))
                {
                    found.Add((name, process.Id));
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                // A process that ended meanwhile, or one we may not inspect: not ours.
            }
        }

        return [.. found.OrderBy(p => p.Pid)];
    }

    /// <summary>Registers an agent (unique name) that may use the tools.</summary>
    public static async Task<string> RegisterAgentAsync(HttpClient api, params string[] tools)
    {
        var name = Json.UniqueName("fault");
        var response = await api.RegisterAsync(name, tools);
        Assert.True(response.IsSuccessStatusCode, $"registering agent {name} failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return name;
    }

    public static Task WaitForExitedAsync(DistributedApplication app, string resource) =>
        app.ResourceNotifications.WaitForResourceAsync(resource, e => e.Snapshot.State?.Text is "Finished" or "Exited" or "FailedToStart")
            .WaitAsync(TimeSpan.FromSeconds(60));

    public static async Task StartAsync(DistributedApplication app, string resource)
    {
        var commands = app.Services.GetRequiredService<ResourceCommandService>();
        var started = await commands.ExecuteCommandAsync(resource, KnownResourceCommands.StartCommand);
        Assert.True(started.Success, $"starting {resource} failed: {started.Message}");
        await app.ResourceNotifications.WaitForResourceHealthyAsync(resource).WaitAsync(TimeSpan.FromMinutes(2));
    }

    public static async Task StopAsync(DistributedApplication app, string resource)
    {
        var commands = app.Services.GetRequiredService<ResourceCommandService>();
        var stopped = await commands.ExecuteCommandAsync(resource, KnownResourceCommands.StopCommand);
        Assert.True(stopped.Success, $"stopping {resource} failed: {stopped.Message}");
        await WaitForExitedAsync(app, resource);
    }

    /// <summary>Sends a signal to a process (SIGINT for a fast Postgres shutdown).</summary>
    public static void Signal(int pid, string signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", $"-{signal} {pid}") { RedirectStandardError = true })!;
        kill.WaitForExit();
        Assert.True(kill.ExitCode == 0, $"kill -{signal} {pid} failed: {kill.StandardError.ReadToEnd()}");
    }

    /// <summary>Polls GET /status until its overall status is the expected one (bounded); any replica may answer.</summary>
    public static async Task<JsonElement> WaitForStatusAsync(HttpClient api, string expected, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        var last = "";
        while (true)
        {
            try
            {
                var response = await api.GetAsync("/status");
                last = await response.Content.ReadAsStringAsync();
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    var status = JsonDocument.Parse(last).RootElement.Clone();
                    if (status.GetProperty("status").GetString() == expected)
                    {
                        return status;
                    }
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or Polly.ExecutionRejectedException)
            {
                last = ex.Message;
            }

            Assert.True(DateTime.UtcNow < deadline, $"GET /status did not report {expected} within {timeout.TotalSeconds} s; last answer: {last}");
            await Task.Delay(300);
        }
    }
}
