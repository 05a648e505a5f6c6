using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AgentOrchestration.ServiceCommon;
using Json.Schema;

namespace AgentOrchestration.ApiService.Tasks.Submission;

/// <summary>
/// Input schemas of tools, asked of the ToolService and kept briefly, to reject a task whose literal arguments
/// break a tool's schema before it is accepted. The ToolService checks again at call time, so a schema changed
/// in the meantime is still enforced.
/// </summary>
public sealed class ToolCatalog(HttpClient http, TimeProvider clock)
{
    private static readonly TimeSpan Ttl = TimeSpan.FromSeconds(30);
    private readonly ConcurrentDictionary<string, (DateTimeOffset At, JsonSchema? Schema)> _cache = new();

    /// <summary>The tool's input schema, or null when no such tool is registered.</summary>
    public async Task<(bool Exists, JsonSchema? Schema)> GetAsync(string tool, CancellationToken cancellationToken)
    {
        if (_cache.TryGetValue(tool, out var cached) && clock.GetUtcNow() - cached.At < Ttl)
        {
            return (cached.Schema is not null, cached.Schema);
        }

        using var response = await http.GetAsync($"/tools/{Uri.EscapeDataString(tool)}", cancellationToken);
        JsonSchema? schema = null;
        if (response.StatusCode != HttpStatusCode.NotFound)
        {
            response.EnsureSuccessStatusCode();
            var body = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
            schema = JsonSchemas.Build(body.GetProperty("inputSchema"));
        }

        _cache[tool] = (clock.GetUtcNow(), schema);
        return (schema is not null, schema);
    }
}
