using System.Net.Http.Json;
using System.Text.Json;
using AgentOrchestration.ServiceCommon;
using AgentOrchestration.ServiceCommon.Contracts;

namespace AgentOrchestration.TaskService.Tasks.Execution;

/// <summary>Whether a failed attempt may be made again.</summary>
public enum Repeat
{
    /// <summary>Repeating is safe: the call never reached the tool, or the ToolService says the tool may be repeated.</summary>
    Safe,

    /// <summary>The call may have done something: repeat only when the step asks for retries explicitly.</summary>
    IfStepAsks,

    /// <summary>A decision (not allowed, bad arguments, blocked, unstorable output): a repeat cannot change it.</summary>
    Never,
}

/// <summary>The outcome of one attempt at a step: the tool's answer, or why the call did not happen.</summary>
public sealed record StepAttempt(bool Succeeded, JsonElement? Output, string? Error, Repeat Repeat)
{
    public static StepAttempt Failed(string error, Repeat repeat) => new(false, null, StorableJson.Clean(error), repeat);
}

/// <summary>
/// Invokes tools through the ToolService's invocation endpoint (the seed's dependency direction). The call makes a
/// single attempt on the ToolService's side (<see cref="InvokeToolRequest.SingleAttempt"/>): the step's retry policy is
/// the one retry layer. This client has no resilience handler and no HttpClient timeout: a step's time limit is its own.
/// </summary>
public sealed class ToolInvocationClient(HttpClient http)
{
    /// <summary>Calls the tool as the agent (by id), passing its progress and log lines to <paramref name="onUpdate"/> as they arrive.</summary>
    public async Task<StepAttempt> InvokeAsync(string tool, Guid agentId, JsonElement arguments, Func<InvocationLine, Task> onUpdate,
        CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/tools/{Uri.EscapeDataString(tool)}/invoke")
            {
                Content = JsonContent.Create(new InvokeToolRequest(agentId.ToString(), arguments, SingleAttempt: true), options: JsonSerializerOptions.Web),
            };
            request.Headers.Accept.ParseAdd(InvocationLine.MediaType);
            request.Headers.Accept.ParseAdd("application/problem+json");
            response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            // Only a failed connect proves the request never left; a connection lost later may have reached the tool.
            var neverSent = ex.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError;
            return StepAttempt.Failed($"The ToolService could not be reached: {ex.Message}", neverSent ? Repeat.Safe : Repeat.IfStepAsks);
        }

        using (response)
        {
            if (response.IsSuccessStatusCode)
            {
                var result = await ReadStreamAsync(response, onUpdate, cancellationToken);
                if (result is null)
                {
                    return StepAttempt.Failed("The ToolService ended the call without a result.", Repeat.IfStepAsks);
                }

                return result.IsError ? Failure(result) : new StepAttempt(true, result.Output, null, Repeat.Never);
            }

            // A problem from the ToolService (not allowed, bad arguments after templating…) will not change on retry.
            var problem = await ReadProblemAsync(response, cancellationToken);
            var title = problem?.TryGetProperty("title", out var t) == true ? t.GetString() : response.ReasonPhrase;
            var detail = problem?.TryGetProperty("detail", out var d) == true ? d.GetString() : null;
            var errors = problem?.TryGetProperty("errors", out var e) == true ? " " + e.GetRawText() : "";
            var repeat = (int)response.StatusCode switch
            {
                503 => Repeat.Safe, // the ToolService (or its dependency) was unavailable: the tool was not called
                >= 500 => Repeat.IfStepAsks,
                _ => Repeat.Never,
            };
            return StepAttempt.Failed($"{title} {detail}{errors}".Trim(), repeat);
        }
    }

    /// <summary>
    /// A failed call: a code (ssrf_blocked, invalid output…) is a decision; otherwise the ToolService's Retryable says
    /// whether a repeat is safe (false when a non-idempotent request may have reached the tool).
    /// </summary>
    public static StepAttempt Failure(InvokeToolResponse result)
    {
        var message = result.ErrorCode is { } code ? $"{code}: {result.Error}" : result.Error ?? "The tool failed.";
        var repeat = result.ErrorCode is not null ? Repeat.Never : result.Retryable == true ? Repeat.Safe : Repeat.IfStepAsks;
        return StepAttempt.Failed(message, repeat);
    }

    private static async Task<JsonElement?> ReadProblemAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var body = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
            return body.ValueKind == JsonValueKind.Object ? body : null;
        }
        catch (JsonException)
        {
            return null; // not a problem document (a proxy's error page): the status line says enough
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
