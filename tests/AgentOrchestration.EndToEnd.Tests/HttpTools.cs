using System.Net;
using System.Net.Http.Json;

namespace AgentOrchestration.EndToEnd.Tests;

internal static class HttpTools
{
    /// <summary>Registers an HTTP tool (POST, any object as input) at the URL; returns its unique name.</summary>
    public static async Task<string> RegisterHttpToolAsync(
        this HttpClient api, string url, string prefix = "http", int timeoutMs = 5000, Dictionary<string, string>? headers = null)
    {
        var name = Json.UniqueName(prefix);
        object http = headers is null ? new { url, method = "POST" } : new { url, method = "POST", headers };
        var response = await api.PostAsJsonAsync("/tools", new
        {
            name,
            description = $"An HTTP tool at {url}",
            kind = "http",
            inputSchema = new { type = "object" },
            http,
            timeoutMs,
        });
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return name;
    }
}
