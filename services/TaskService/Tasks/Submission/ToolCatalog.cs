using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AgentOrchestration.ServiceCommon;
using Json.Schema;
using Microsoft.Extensions.Caching.Memory;

namespace AgentOrchestration.TaskService.Tasks.Submission;

/// <summary>
/// Input schemas of tools, kept briefly on each replica (a singleton: the typed <see cref="ToolCatalog"/> client is
/// transient, so a cache inside it would never be hit). Unknown tools are not cached, so a tool registered a moment
/// ago is found at once; a changed schema is seen after <see cref="Ttl"/> at most, and the ToolService checks the
/// arguments again at call time anyway.
/// </summary>
public sealed class ToolSchemaCache : IDisposable
{
    public static readonly TimeSpan Ttl = TimeSpan.FromSeconds(30);

    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = 10_000 });

    public bool TryGet(string tool, out JsonSchema? schema) => _cache.TryGetValue(tool, out schema);

    public void Set(string tool, JsonSchema schema) =>
        _cache.Set(tool, schema, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = Ttl });

    public int Count => _cache.Count;

    public void Dispose() => _cache.Dispose();
}

/// <summary>
/// Asks the ToolService for a tool's input schema, to reject a task whose literal arguments break it before the task
/// is accepted; answers from <see cref="ToolSchemaCache"/> when it can.
/// </summary>
public sealed class ToolCatalog(HttpClient http, ToolSchemaCache cache)
{
    /// <summary>Whether the tool exists, and its input schema.</summary>
    public async Task<(bool Exists, JsonSchema? Schema)> GetAsync(string tool, CancellationToken cancellationToken)
    {
        if (cache.TryGet(tool, out var cached))
        {
            return (true, cached);
        }

        using var response = await http.GetAsync($"/tools/{Uri.EscapeDataString(tool)}", cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return (false, null);
        }

        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
        JsonSchema schema;
        try
        {
            schema = JsonSchemas.Build(body.GetProperty("inputSchema"));
        }
        catch (Exception ex) when (ex is JsonSchemaException or ArgumentException or InvalidOperationException)
        {
            // Only a tool stored before schemas were checked at registration can get here; the ToolService refuses
            // its calls with tool_schema_unusable, which is what the step will report.
            return (true, null);
        }

        cache.Set(tool, schema);
        return (true, schema);
    }
}
