using System.Diagnostics;
using AgentOrchestration.ServiceCommon.Contracts;

namespace AgentOrchestration.LoggingService.Events;

/// <summary>
/// Writes each execution event as a structured OpenTelemetry log inside the task's trace, so the Aspire dashboard
/// shows a task's logs beside its spans.
/// </summary>
public sealed class EventTelemetry(ILogger<EventTelemetry> logger)
{
    private static readonly ActivitySource Source = new(Microsoft.Extensions.Hosting.ServiceDefaultsExtensions.ActivitySourceName);

    public void Record(ExecutionEvent e)
    {
        var parent = e.TraceId is { Length: 32 } traceId
            ? new ActivityContext(ActivityTraceId.CreateFromString(traceId), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded)
            : default;
        using var activity = Source.StartActivity("execution-event", ActivityKind.Consumer, parent);
        using var scope = logger.BeginScope(new Dictionary<string, object?>
        {
            ["TaskId"] = e.TaskId, ["StepId"] = e.StepId, ["Seq"] = e.Seq, ["Agent"] = e.Agent, ["EventType"] = e.Type,
        });
        var level = e.Level switch
        {
            "debug" => LogLevel.Debug,
            "warning" => LogLevel.Warning,
            "error" => LogLevel.Error,
            _ => LogLevel.Information,
        };
        logger.Log(level, "{EventType} {Message}", e.Type, e.Message);
    }
}
