using System.Net;
using System.Net.Http.Json;

namespace AgentOrchestration.EndToEnd.Tests;

internal static class HttpTools
{
    /// <summary>
    /// Registers an HTTP tool (POST, any object as input) at the URL; returns its unique name. A POST is not repeated
    /// after a 5xx unless the tool is declared <paramref name="idempotent"/>.
    /// </summary>
    public static async Task<string> RegisterHttpToolAsync(
        this HttpClient api, string url, string prefix = "http", int timeoutMs = 5000, Dictionary<string, string>? headers = null,
        bool idempotent = false)
    {
        var name = Json.UniqueName(prefix);
        object http = new { url, method = "POST", headers = headers ?? [], idempotent };
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
