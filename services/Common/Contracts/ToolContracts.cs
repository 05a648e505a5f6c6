namespace AgentOrchestration.ServiceCommon.Contracts;

/// <summary>Internal contract between the ApiService and the ToolService: which tool names exist.</summary>
public sealed record ToolLookupRequest(IReadOnlyList<string> Names);

public sealed record ToolLookupResponse(IReadOnlyList<string> Found, IReadOnlyList<string> Missing);

/// <summary>POST /tools/{name}/invoke: call a tool as an agent.</summary>
/// <remarks>
/// <c>SingleAttempt</c>: the caller (the task engine) has a retry policy of its own, so the ToolService makes exactly
/// one attempt; retries happen in one layer only.
/// </remarks>
public sealed record InvokeToolRequest(string? Agent, System.Text.Json.JsonElement? Arguments, bool SingleAttempt = false);

/// <summary>
/// The outcome of an invocation. A tool that fails is not an error of the API: it answers 200 with
/// <c>isError: true</c> and the tool's message. On a failure, <c>Retryable</c> says whether repeating the call is
/// safe: false when a non-idempotent request may have reached the tool, or when the failure is a decision
/// (<c>ErrorCode</c> set) that a repeat cannot change.
/// </summary>
public sealed record InvokeToolResponse(
    System.Text.Json.JsonElement? Output,
    bool IsError,
    string? Error,
    long DurationMs,
    int Attempts,
    bool Truncated = false,
    string? ErrorCode = null,
    bool? Retryable = null);

/// <summary>
/// Progress a tool reported during a call (an MCP progress notification). With <c>Accept: application/x-ndjson</c>
/// the invoke endpoint streams these as <c>{"progress":…}</c> lines before the final <c>{"result":…}</c> line.
/// </summary>
public sealed record ToolProgress(double Progress, double? Total, string? Message);

/// <summary>
/// A log message a tool sent during a call (an MCP <c>notifications/message</c>): its MCP level (<c>debug</c> … <c>emergency</c>),
/// the logger name the tool gave, and its data (any JSON). Streamed as <c>{"log":…}</c> lines, in the order the tool sent them.
/// </summary>
public sealed record ToolLog(string Level, string? Logger, System.Text.Json.JsonElement? Data);

/// <summary>One line of a streamed invocation: progress, a log message, or the final result.</summary>
public sealed record InvocationLine(ToolProgress? Progress, InvokeToolResponse? Result, ToolLog? Log = null)
{
    public const string MediaType = "application/x-ndjson";
}
