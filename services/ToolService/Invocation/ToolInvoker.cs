using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
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
/// Runs a tool whose caller has been authorised and whose arguments passed the schema: with the tool's
/// timeout on each attempt, and retries with backoff for transient failures. A failing tool is a result
/// (isError), never an exception of the API.
/// </summary>
public sealed class ToolInvoker(
    BuiltinExecutor builtins, HttpToolExecutor http, McpToolExecutor mcp, IOptions<ToolOutputOptions> limits, ILogger<ToolInvoker> logger)
{
    public const int MaxAttempts = 3;
    private static readonly ActivitySource Activity = new(Microsoft.Extensions.Hosting.ServiceDefaultsExtensions.ActivitySourceName);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<int, ResiliencePipeline> _pipelines = new();

    public async Task<InvokeToolResponse> InvokeAsync(Tool tool, JsonElement arguments, CancellationToken cancellationToken,
        Action<InvocationLine>? onUpdate = null)
    {
        using var span = Activity.StartActivity($"tool {tool.Name}");
        span?.SetTag("tool.name", tool.Name);
        span?.SetTag("tool.kind", tool.Kind.ToString().ToLowerInvariant());

        var attempts = 0;
        var pipeline = PipelineFor(tool.TimeoutMs);

        var stopwatch = Stopwatch.StartNew();
        try
        {
            var output = await pipeline.ExecuteAsync(async token =>
            {
                attempts++;
                return await ExecuteOnceAsync(tool, arguments, onUpdate, token);
            }, cancellationToken);
            span?.SetTag("tool.attempts", attempts);
            var (element, truncated) = Limit(output);
            return new InvokeToolResponse(element, false, null, stopwatch.ElapsedMilliseconds, attempts, truncated);
        }
        catch (Exception ex) when (ex is ToolFailureException or TransientToolException or TimeoutRejectedException)
        {
            var message = ex is TimeoutRejectedException ? $"The tool did not finish within {tool.TimeoutMs} ms." : ex.Message;
            span?.SetStatus(ActivityStatusCode.Error, message);
            span?.SetTag("tool.attempts", attempts);
            logger.LogInformation("Tool {Tool} failed after {Attempts} attempt(s): {Message}", tool.Name, attempts, message);
            return new InvokeToolResponse(null, true, message, stopwatch.ElapsedMilliseconds, attempts,
                ErrorCode: (ex as ToolFailureException)?.Code);
        }
    }

    /// <summary>
    /// The retry-and-timeout pipeline for one timeout, built once and shared: pipelines are thread-safe, and building
    /// one per call cost allocations and CPU on every invocation. Timeouts are per tool, so the map stays small.
    /// </summary>
    private ResiliencePipeline PipelineFor(int timeoutMs) => _pipelines.GetOrAdd(timeoutMs, static ms => new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<TransientToolException>().Handle<TimeoutRejectedException>(),
            MaxRetryAttempts = MaxAttempts - 1,
            BackoffType = DelayBackoffType.Exponential,
            Delay = TimeSpan.FromMilliseconds(100),
            UseJitter = true,
        })
        .AddTimeout(TimeSpan.FromMilliseconds(ms))
        .Build());

    private Task<JsonNode?> ExecuteOnceAsync(Tool tool, JsonElement arguments, Action<InvocationLine>? onUpdate, CancellationToken cancellationToken) => tool.Kind switch
    {
        ToolKind.Builtin => builtins.ExecuteAsync(tool.Name, arguments, cancellationToken),
        ToolKind.Http => http.ExecuteAsync(tool, arguments, cancellationToken),
        ToolKind.Mcp => mcp.ExecuteAsync(tool, arguments, onUpdate, cancellationToken),
        _ => throw new ToolFailureException($"Unknown tool kind {tool.Kind}."),
    };

    /// <summary>
    /// Output larger than the limit becomes its first bytes as a string, flagged, so one chatty tool cannot bloat
    /// every task, event and log downstream.
    /// </summary>
    private (JsonElement? Output, bool Truncated) Limit(JsonNode? node)
    {
        if (node is null)
        {
            return (null, false);
        }

        var bytes = JsonSerializer.SerializeToUtf8Bytes(node);
        var max = limits.Value.MaxToolOutputBytes;
        if (bytes.Length <= max)
        {
            return (JsonSerializer.Deserialize<JsonElement>(bytes), false);
        }

        var prefix = System.Text.Encoding.UTF8.GetString(bytes, 0, max).TrimEnd('\uFFFD');
        return (JsonSerializer.SerializeToElement(prefix), true);
    }
}
