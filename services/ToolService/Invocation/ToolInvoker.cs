using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using AgentOrchestration.ServiceCommon;
using AgentOrchestration.ServiceCommon.Contracts;
using AgentOrchestration.ToolService.Builtins;
using AgentOrchestration.ToolService.Mcp;
using AgentOrchestration.ToolService.Model;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace AgentOrchestration.ToolService.Invocation;

/// <summary>
/// Runs a tool whose caller has been authorised and whose arguments passed the schema, with the tool's timeout on
/// each attempt. A failing tool is a result (isError), never an exception of the API.
/// </summary>
/// <remarks>
/// Retries happen in one layer only, and never repeat what may have had an effect: a call is retried here only when
/// the caller did not ask for a single attempt (the task engine does, it has its own retry policy), and then only a
/// request that never left (connection refused), or a transient answer (5xx, 429) of an idempotent tool. A timeout is
/// not retried: the tool may still be working, and <c>timeoutMs</c> is what the caller allowed for it. Every failed
/// result says whether repeating it is safe (<see cref="InvokeToolResponse.Retryable"/>).
/// </remarks>
public sealed class ToolInvoker(
    BuiltinExecutor builtins, HttpToolExecutor http, McpToolExecutor mcp, IOptions<ToolOutputOptions> limits, ILogger<ToolInvoker> logger)
{
    public const int MaxAttempts = 3;
    public const string UnstorableOutput = "unstorable_output";
    private static readonly ActivitySource Activity = new(Microsoft.Extensions.Hosting.ServiceDefaultsExtensions.ActivitySourceName);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(int, RetryScope), ResiliencePipeline> _pipelines = new();

    private enum RetryScope
    {
        None,
        UnsentOnly,
        Transient,
    }

    public async Task<InvokeToolResponse> InvokeAsync(Tool tool, JsonElement arguments, CancellationToken cancellationToken,
        Action<InvocationLine>? onUpdate = null, bool singleAttempt = false)
    {
        using var span = Activity.StartActivity($"tool {tool.Name}");
        span?.SetTag("tool.name", tool.Name);
        span?.SetTag("tool.kind", tool.Kind.ToString().ToLowerInvariant());

        var idempotent = IsIdempotent(tool);
        var scope = singleAttempt ? RetryScope.None : idempotent ? RetryScope.Transient : RetryScope.UnsentOnly;
        var attempts = 0;
        var stopwatch = Stopwatch.StartNew();
        try
        {
            var output = await PipelineFor(tool.TimeoutMs, scope).ExecuteAsync(async token =>
            {
                attempts++;
                return await ExecuteOnceAsync(tool, arguments, onUpdate, token);
            }, cancellationToken);
            span?.SetTag("tool.attempts", attempts);
            var (element, truncated, unstorable) = Limit(output);
            if (unstorable is not null)
            {
                return Failed(tool, span, attempts, stopwatch, UnstorableOutput, retryable: false, HttpToolExecutor.Unstorable(unstorable).Message);
            }

            return new InvokeToolResponse(element, false, null, stopwatch.ElapsedMilliseconds, attempts, truncated);
        }
        catch (Exception ex) when (ex is ToolFailureException or TransientToolException or TimeoutRejectedException)
        {
            var message = ex is TimeoutRejectedException ? $"The tool did not finish within {tool.TimeoutMs} ms." : ex.Message;
            var retryable = ex switch
            {
                TransientToolException transient => !transient.Sent || idempotent,
                TimeoutRejectedException => idempotent && tool.Kind != ToolKind.Builtin,
                _ => false,
            };
            return Failed(tool, span, attempts, stopwatch, (ex as ToolFailureException)?.Code, retryable, message);
        }
    }

    /// <summary>Builtins are pure; an HTTP tool is as its method or flag says; an MCP tools/call may do anything.</summary>
    public static bool IsIdempotent(Tool tool) => tool.Kind switch
    {
        ToolKind.Builtin => true,
        ToolKind.Http => tool.Config?.Deserialize<HttpToolConfig>(JsonSerializerOptions.Web)?.IsIdempotent ?? false,
        _ => false,
    };

    private InvokeToolResponse Failed(Tool tool, Activity? span, int attempts, Stopwatch stopwatch, string? code, bool retryable, string message)
    {
        // The message may quote the tool (its 4xx body, an MCP error text): it is stored with the step, so it must be storable.
        message = StorableJson.Clean(message);
        span?.SetStatus(ActivityStatusCode.Error, message);
        span?.SetTag("tool.attempts", attempts);
        logger.LogInformation("Tool {Tool} failed after {Attempts} attempt(s): {Message}", tool.Name, attempts, message);
        return new InvokeToolResponse(null, true, message, stopwatch.ElapsedMilliseconds, attempts, ErrorCode: code, Retryable: retryable);
    }

    /// <summary>
    /// The retry-and-timeout pipeline for one timeout and retry scope, built once and shared: pipelines are
    /// thread-safe, and building one per call cost allocations and CPU on every invocation. The map stays small.
    /// </summary>
    private ResiliencePipeline PipelineFor(int timeoutMs, RetryScope scope) => _pipelines.GetOrAdd((timeoutMs, scope), static key =>
    {
        var builder = new ResiliencePipelineBuilder();
        if (key.Item2 != RetryScope.None)
        {
            var retryAnySent = key.Item2 == RetryScope.Transient;
            builder.AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<TransientToolException>(t => retryAnySent || !t.Sent),
                MaxRetryAttempts = MaxAttempts - 1,
                BackoffType = DelayBackoffType.Exponential,
                Delay = TimeSpan.FromMilliseconds(100),
                UseJitter = true,
            });
        }

        return builder.AddTimeout(TimeSpan.FromMilliseconds(key.Item1)).Build();
    });

    private Task<JsonNode?> ExecuteOnceAsync(Tool tool, JsonElement arguments, Action<InvocationLine>? onUpdate, CancellationToken cancellationToken) => tool.Kind switch
    {
        ToolKind.Builtin => builtins.ExecuteAsync(tool.Name, arguments, cancellationToken),
        ToolKind.Http => http.ExecuteAsync(tool, arguments, cancellationToken),
        ToolKind.Mcp => mcp.ExecuteAsync(tool, arguments, onUpdate, cancellationToken),
        _ => throw new ToolFailureException($"Unknown tool kind {tool.Kind}."),
    };

    /// <summary>
    /// Output larger than the limit becomes its first bytes as a string, flagged, so one chatty tool cannot bloat
    /// every task, event and log downstream. Output Postgres cannot hold (see <see cref="StorableJson"/>) is reported by
    /// the pointer of its first offending string.
    /// </summary>
    private (JsonElement? Output, bool Truncated, string? Unstorable) Limit(JsonNode? node)
    {
        if (node is null)
        {
            return (null, false, null);
        }

        byte[] bytes;
        try
        {
            bytes = JsonSerializer.SerializeToUtf8Bytes(node);
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException)
        {
            // System.Text.Json cannot even write a string holding an unpaired surrogate.
            return (null, false, "/");
        }

        var element = JsonSerializer.Deserialize<JsonElement>(bytes);
        if (StorableJson.FindUnstorable(element) is { } pointer)
        {
            return (null, false, pointer.Length == 0 ? "/" : pointer);
        }

        var max = limits.Value.MaxToolOutputBytes;
        if (bytes.Length <= max)
        {
            return (element, false, null);
        }

        var prefix = System.Text.Encoding.UTF8.GetString(bytes, 0, max).TrimEnd('\uFFFD');
        return (JsonSerializer.SerializeToElement(prefix), true, null);
    }
}
