using System.Net.Http.Json;
using System.Text.Json;
using AgentOrchestration.ServiceCommon.Contracts;

namespace AgentOrchestration.ApiService.Tasks.Execution;

/// <summary>The outcome of one attempt at a step: the tool's answer, or why the call did not happen.</summary>
public sealed record StepAttempt(bool Succeeded, JsonElement? Output, string? Error, bool Retryable);

/// <summary>Invokes tools through the ToolService's invocation endpoint (the seed's dependency direction).</summary>
public sealed class ToolInvocationClient(HttpClient http)
{
    public async Task<StepAttempt> InvokeAsync(string tool, string agent, JsonElement arguments, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await http.PostAsJsonAsync($"/tools/{Uri.EscapeDataString(tool)}/invoke",
                new InvokeToolRequest(agent, arguments), JsonSerializerOptions.Web, cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            return new StepAttempt(false, null, $"The ToolService could not be reached: {ex.Message}", Retryable: true);
        }

        using (response)
        {
            if (response.IsSuccessStatusCode)
            {
                var result = await response.Content.ReadFromJsonAsync<InvokeToolResponse>(JsonSerializerOptions.Web, cancellationToken);
                return result!.IsError
                    ? new StepAttempt(false, null, result.Error, Retryable: true)
                    : new StepAttempt(true, result.Output, null, false);
            }

            // A problem from the ToolService (not allowed, bad arguments after templating…) will not change on retry.
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
            var title = problem.TryGetProperty("title", out var t) ? t.GetString() : response.ReasonPhrase;
            var detail = problem.TryGetProperty("detail", out var d) ? d.GetString() : null;
            var errors = problem.TryGetProperty("errors", out var e) ? " " + e.GetRawText() : "";
            return new StepAttempt(false, null, $"{title} {detail}{errors}".Trim(), Retryable: (int)response.StatusCode >= 500);
        }
    }
}
