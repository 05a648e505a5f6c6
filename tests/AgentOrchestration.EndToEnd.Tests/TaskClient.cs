using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace AgentOrchestration.EndToEnd.Tests;

internal static class TaskClient
{
    /// <summary>Registers an agent that may use the given tools; returns its name.</summary>
    public static async Task<string> RegisterAgentAsync(this HttpClient api, params string[] tools)
    {
        var name = Json.UniqueName("tasker");
        Assert.Equal(HttpStatusCode.Created, (await api.RegisterAsync(name, tools)).StatusCode);
        return name;
    }

    public static Task<HttpResponseMessage> ExecuteAsync(this HttpClient api, string json, string? prefer = null, string? idempotencyKey = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/execute-task") { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        if (prefer is not null)
        {
            request.Headers.Add("Prefer", prefer);
        }

        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        return api.SendAsync(request);
    }

    /// <summary>Polls GET /tasks/{id} until the predicate holds (bounded); returns the last body.</summary>
    public static async Task<JsonElement> WaitForTaskAsync(this HttpClient api, Guid id, Func<JsonElement, bool> until, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (true)
        {
            // Only a 200 is the task: a 503 while a replica restarts is a problem body, so poll on.
            var response = await api.GetAsync($"/tasks/{id}");
            var body = await response.Content.ReadAsStringAsync();
            if (response.StatusCode == HttpStatusCode.OK && JsonDocument.Parse(body).RootElement.Clone() is var task && until(task))
            {
                return task;
            }

            Assert.True(DateTime.UtcNow < deadline, $"task never reached the expected state: {(int)response.StatusCode} {body}");
            await Task.Delay(200);
        }
    }

    /// <summary>The stored execution log of a task once its terminal event is in it (bounded).</summary>
    public static async Task<List<JsonElement>> WaitForCompleteLogAsync(this HttpClient api, Guid id, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        var last = "";
        while (true)
        {
            var response = await api.GetAsync($"/tasks/{id}/logs");
            last = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
            if (response.StatusCode == HttpStatusCode.OK)
            {
                var events = (await response.Content.ReadFromJsonAsync<List<JsonElement>>())!;
                if (events.Any(e => e.GetProperty("type").GetString() is "task.succeeded" or "task.failed" or "task.cancelled" or "task.timed_out"))
                {
                    return events;
                }
            }

            Assert.True(DateTime.UtcNow < deadline, $"the stored log of task {id} never got its terminal event within {timeout.TotalSeconds} s: {last}");
            await Task.Delay(250);
        }
    }

    public static bool IsTerminal(JsonElement task) =>
        task.GetProperty("status").GetString() is "succeeded" or "failed" or "cancelled" or "timed_out";

    public static JsonElement Step(this JsonElement task, string id) =>
        task.GetProperty("steps").EnumerateArray().First(s => s.GetProperty("id").GetString() == id);
}
