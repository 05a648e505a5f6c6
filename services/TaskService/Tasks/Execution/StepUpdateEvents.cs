using System.Text.Json;
using AgentOrchestration.ServiceCommon.Contracts;

namespace AgentOrchestration.TaskService.Tasks.Execution;

/// <summary>
/// What a tool says during a call (MCP progress and log notifications, streamed by the ToolService) as step.progress
/// events. <c>data.kind</c> tells the two apart: <c>progress</c> (progress, total, message) or <c>log</c> (the MCP level,
/// logger and data as the tool sent them).
/// </summary>
public static class StepUpdateEvents
{
    /// <summary>Longest message taken from a log's data; the full data stays in the event's <c>data</c>.</summary>
    public const int MaxMessageLength = 500;

    public static PendingEvent? From(string stepId, InvocationLine line) => line switch
    {
        { Progress: { } progress } => new PendingEvent(EventTypes.StepProgress, "info",
            progress.Message ?? $"Step '{stepId}' progress: {progress.Progress}{(progress.Total is { } total ? $"/{total}" : "")}.",
            stepId, new { kind = "progress", progress = progress.Progress, total = progress.Total, message = progress.Message }),
        { Log: { } log } => new PendingEvent(EventTypes.StepProgress, LevelOf(log.Level), MessageOf(stepId, log),
            stepId, new { kind = "log", mcpLevel = log.Level, logger = log.Logger, data = log.Data }),
        _ => null,
    };

    /// <summary>MCP's eight syslog levels folded into the four of execution events.</summary>
    public static string LevelOf(string mcpLevel) => mcpLevel switch
    {
        "debug" => "debug",
        "info" or "notice" => "info",
        "warning" => "warning",
        _ => "error", // error, critical, alert, emergency, and anything unknown: better seen than missed
    };

    private static string MessageOf(string stepId, ToolLog log)
    {
        var text = log.Data switch
        {
            { ValueKind: JsonValueKind.String } data => data.GetString()!,
            { ValueKind: JsonValueKind.Object } data when data.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String => m.GetString()!,
            { } data => data.GetRawText(),
            null => $"Step '{stepId}' logged a message.",
        };
        if (text.Length > MaxMessageLength)
        {
            text = string.Concat(text.AsSpan(0, MaxMessageLength), "…");
        }

        return log.Logger is { Length: > 0 } logger ? $"[{logger}] {text}" : text;
    }
}
