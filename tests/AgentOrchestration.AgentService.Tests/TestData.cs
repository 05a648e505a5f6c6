using System.Net.Http.Json;
using System.Text.Json;

namespace AgentOrchestration.AgentService.Tests;

internal static class TestData
{
    /// <summary>A name no other test uses, so tests can share one database.</summary>
    public static string UniqueName(string prefix = "agent") => $"{prefix}-{Guid.NewGuid():N}"[..30];

    public static async Task<JsonElement> ReadJsonAsync(this HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<JsonElement>();

    public static async Task<JsonElement> CreateAgentAsync(this HttpClient client, object body)
    {
        var response = await client.PostAsJsonAsync("/agents", body);
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        return await response.ReadJsonAsync();
    }

    /// <summary>Asserts an RFC 9457 body with the given status and code; returns it for further checks.</summary>
    public static async Task<JsonElement> AssertProblemAsync(this HttpResponseMessage response, int status, string code)
    {
        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.ReadJsonAsync();
        Assert.Equal(status, problem.GetProperty("status").GetInt32());
        Assert.Equal(code, problem.GetProperty("code").GetString());
        Assert.Equal($"/problems/{code}", problem.GetProperty("type").GetString());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("title").GetString()));
        return problem;
    }
}
