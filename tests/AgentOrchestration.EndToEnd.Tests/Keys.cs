using System.Net.Http.Json;
using System.Text.Json;

namespace AgentOrchestration.EndToEnd.Tests;

/// <summary>Keys for the role tests: a registered agent with its key, and viewer keys minted by the admin.</summary>
internal static class Keys
{
    public sealed record AgentWithKey(Guid Id, string Name, string ApiKey);

    /// <summary>
    /// POST /register-agent with an Idempotency-Key, so the test client may retry a slow first attempt (a cold system)
    /// and it is still one agent.
    /// </summary>
    public static async Task<HttpResponseMessage> RegisterAsync(this HttpClient admin, string name, params string[] tools)
    {
        using var request = Request(HttpMethod.Post, "/register-agent", new { name, tools });
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
        return await admin.SendAsync(request);
    }

    public static Task<AgentWithKey> RegisterAgentWithKeyAsync(this HttpClient admin, params string[] tools) =>
        admin.RegisterNamedAgentWithKeyAsync(Json.UniqueName("keyed"), tools);

    public static async Task<AgentWithKey> RegisterNamedAgentWithKeyAsync(this HttpClient admin, string name, params string[] tools)
    {
        var response = await admin.RegisterAsync(name, tools);
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        var body = await response.ReadJsonAsync();
        var id = body.GetProperty("id").GetGuid();
        // A retried registration answers the replay, which does not show the key again: mint the agent a new one.
        var key = body.TryGetProperty("apiKey", out var shown) ? shown.GetString()
            : (await (await admin.PostAsync($"/agents/{id}/keys", null)).ReadJsonAsync()).GetProperty("apiKey").GetString();
        Assert.StartsWith("aok_", key);
        return new AgentWithKey(id, name, key!);
    }

    public static async Task<string> CreateViewerKeyAsync(this HttpClient admin)
    {
        var response = await admin.PostAsJsonAsync("/api-keys", new { name = Json.UniqueName("viewer") });
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        return (await response.ReadJsonAsync()).GetProperty("apiKey").GetString()!;
    }

    public static HttpRequestMessage Request(HttpMethod method, string path, object? body = null) => new(method, path)
    {
        Content = body is null ? null : JsonContent.Create(body, options: JsonSerializerOptions.Web),
    };
}
