using System.Net.Http.Json;
using System.Text.Json;
using AgentOrchestration.ServiceCommon.Contracts;
using AgentOrchestration.ServiceCommon.Security;

namespace AgentOrchestration.ApiService.Services;

/// <summary>The AgentService's internal API, through service discovery.</summary>
public sealed class AgentServiceClient(HttpClient http)
{
    /// <summary>The agent, or null when no agent has that id or name.</summary>
    public Task<AgentResponse?> FindAsync(string idOrName, CancellationToken cancellationToken) =>
        http.FindAgentAsync(idOrName, cancellationToken);

    /// <param name="caller">Who asked: the AgentService scopes Idempotency-Keys by caller.</param>
    public Task<HttpResponseMessage> CreateAsync(
        CreateAgentRequest request, string? idempotencyKey, Caller caller, CancellationToken cancellationToken)
    {
        var message = new HttpRequestMessage(HttpMethod.Post, "/agents") { Content = JsonContent.Create(request, options: JsonSerializerOptions.Web) };
        if (idempotencyKey is not null)
        {
            message.Headers.TryAddWithoutValidation("Idempotency-Key", idempotencyKey);
        }

        InternalHeaders.SetCaller(message.Headers, caller);
        return http.SendAsync(message, cancellationToken);
    }

    public Task<HttpResponseMessage> UpdateAsync(string idOrName, UpdateAgentRequest request, string? ifMatch, CancellationToken cancellationToken)
    {
        var message = new HttpRequestMessage(HttpMethod.Patch, $"/agents/{Uri.EscapeDataString(idOrName)}")
        {
            Content = JsonContent.Create(request, options: JsonSerializerOptions.Web),
        };
        if (ifMatch is not null)
        {
            message.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        return http.SendAsync(message, cancellationToken);
    }

    public Task<HttpResponseMessage> GetStatsAsync(CancellationToken cancellationToken) =>
        http.GetAsync("/internal/stats", cancellationToken);

    /// <summary>Whose key has this SHA-256 (hex), or null when none does.</summary>
    public async Task<ResolvedKey?> ResolveKeyAsync(string hash, CancellationToken cancellationToken)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, "/internal/keys/resolve")
        {
            Content = JsonContent.Create(new ResolveKeyRequest(hash), options: JsonSerializerOptions.Web),
        }.AsReadOnly();
        using var response = await http.SendAsync(message, cancellationToken);
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }

        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<ResolvedKey>(JsonSerializerOptions.Web, cancellationToken);
    }
}

/// <summary>The ToolService's internal API, through service discovery.</summary>
public sealed class ToolServiceClient(HttpClient http)
{
    public async Task<ToolLookupResponse> LookupAsync(IReadOnlyList<string> names, CancellationToken cancellationToken)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, "/tools/lookup")
        {
            Content = JsonContent.Create(new ToolLookupRequest(names), options: JsonSerializerOptions.Web),
        }.AsReadOnly();
        using var response = await http.SendAsync(message, cancellationToken);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<ToolLookupResponse>(JsonSerializerOptions.Web, cancellationToken)
            ?? throw new InvalidOperationException("The ToolService answered a lookup with no body.");
    }

    public Task<HttpResponseMessage> GetStatsAsync(CancellationToken cancellationToken) =>
        http.GetAsync("/internal/stats", cancellationToken);
}

/// <summary>The TaskService's API, through service discovery, asked as the caller (so its agent scoping applies).</summary>
public sealed class TaskServiceClient(HttpClient http)
{
    /// <summary>Whether the task exists and this caller may see it (another agent's task does not, for an agent key).</summary>
    public async Task<bool> IsVisibleAsync(Guid taskId, Caller caller, CancellationToken cancellationToken)
    {
        using var message = new HttpRequestMessage(HttpMethod.Get, $"/tasks/{taskId}");
        InternalHeaders.SetCaller(message.Headers, caller);
        using var response = await http.SendAsync(message, cancellationToken);
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return false;
        }

        response.EnsureSuccessStatusCode();
        return true;
    }
}
