using AgentOrchestration.TaskService.Tasks.Execution;
using AgentOrchestration.ServiceCommon.Contracts;

namespace AgentOrchestration.TaskService.Tests;

/// <summary>A failed call is repeated only when that is safe, or the step asked for retries and it was not a decision.</summary>
public sealed class RetryDecisionTests
{
    private static InvokeToolResponse Failed(string? code = null, bool? retryable = null) =>
        new(null, true, "it broke", 5, 1, ErrorCode: code, Retryable: retryable);

    [Fact]
    public void AFailureTheToolServiceCallsSafeMayBeRepeated() =>
        Assert.Equal(Repeat.Safe, ToolInvocationClient.Failure(Failed(retryable: true)).Repeat);

    [Fact]
    public void ANonIdempotentFailureIsRepeatedOnlyIfTheStepAsks() =>
        Assert.Equal(Repeat.IfStepAsks, ToolInvocationClient.Failure(Failed(retryable: false)).Repeat);

    [Fact]
    public void AnUnknownRetryabilityIsNotTakenAsSafe() =>
        Assert.Equal(Repeat.IfStepAsks, ToolInvocationClient.Failure(Failed()).Repeat);

    [Fact]
    public void ADecisionIsNeverRepeatedAndNamesItsCode()
    {
        var attempt = ToolInvocationClient.Failure(Failed(code: "ssrf_blocked", retryable: true));

        Assert.Equal(Repeat.Never, attempt.Repeat);
        Assert.Equal("ssrf_blocked: it broke", attempt.Error);
    }

    [Fact]
    public void AnErrorQuotingUnstorableTextIsCleaned() =>
        Assert.Equal("a\uFFFDb", StepAttempt.Failed("a\0b", Repeat.Never).Error);
}
