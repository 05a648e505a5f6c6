using System.Net.Http.Json;
using System.Text.Json;

namespace AgentOrchestration.EndToEnd.Tests;

/// <summary>Keys for the role tests: a registered agent with its key, and viewer keys minted by the admin.</summary>
internal static class Keys
{
    public sealed record AgentWithKey(Guid Id, string Name, string ApiKey);

    public static async Task<AgentWithKey> RegisterAgentWithKeyAsync(this HttpClient admin, params string[] tools)
    {
        var name = Json.UniqueName("keyed");
        var response = await admin.PostAsJsonAsync("/register-agent", new { name, tools });
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        var body = await response.ReadJsonAsync();
        var key = body.GetProperty("apiKey").GetString();
        Assert.StartsWith("aok_", key);
        return new AgentWithKey(body.GetProperty("id").GetGuid(), name, key!);
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
