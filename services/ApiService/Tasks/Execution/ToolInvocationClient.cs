using System.Net.Http.Json;
using System.Text.Json;
using AgentOrchestration.ServiceCommon.Contracts;

namespace AgentOrchestration.ApiService.Tasks.Execution;

/// <summary>The outcome of one attempt at a step: the tool's answer, or why the call did not happen.</summary>
public sealed record StepAttempt(bool Succeeded, JsonElement? Output, string? Error, bool Retryable);

/// <summary>Invokes tools through the ToolService's invocation endpoint (the seed's dependency direction).</summary>
public sealed class ToolInvocationClient(HttpClient http)
{
    /// <summary>Calls the tool, passing its progress and log lines to <paramref name="onUpdate"/> as they arrive.</summary>
    public async Task<StepAttempt> InvokeAsync(string tool, string agent, JsonElement arguments, Func<InvocationLine, Task> onUpdate,
        CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/tools/{Uri.EscapeDataString(tool)}/invoke")
            {
                Content = JsonContent.Create(new InvokeToolRequest(agent, arguments), options: JsonSerializerOptions.Web),
            };
            request.Headers.Accept.ParseAdd(InvocationLine.MediaType);
            request.Headers.Accept.ParseAdd("application/problem+json");
            response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            return new StepAttempt(false, null, $"The ToolService could not be reached: {ex.Message}", Retryable: true);
        }

        using (response)
        {
            if (response.IsSuccessStatusCode)
            {
                var result = await ReadStreamAsync(response, onUpdate, cancellationToken);
                if (result is null)
                {
                    return new StepAttempt(false, null, "The ToolService ended the call without a result.", Retryable: true);
                }

                // A failure with a code (ssrf_blocked) is a decision, not an accident: retrying cannot change it.
                return result.IsError
                    ? new StepAttempt(false, null, result.ErrorCode is { } code ? $"{code}: {result.Error}" : result.Error, Retryable: result.ErrorCode is null)
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

    private static async Task<InvokeToolResponse?> ReadStreamAsync(HttpResponseMessage response, Func<InvocationLine, Task> onUpdate,
        CancellationToken cancellationToken)
    {
        if (response.Content.Headers.ContentType?.MediaType != InvocationLine.MediaType)
        {
            return await response.Content.ReadFromJsonAsync<InvokeToolResponse>(JsonSerializerOptions.Web, cancellationToken);
        }

        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken));
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.Length == 0)
            {
                continue;
            }

            var parsed = JsonSerializer.Deserialize<InvocationLine>(line, JsonSerializerOptions.Web);
            if (parsed?.Result is { } result)
            {
                return result;
            }

            if (parsed is not null)
            {
                await onUpdate(parsed);
            }
        }

        return null;
    }
}
