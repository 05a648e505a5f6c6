using System.Text.Json;
using AgentOrchestration.TaskService.Tasks.Definition;

namespace AgentOrchestration.TaskService.Tests;

/// <summary>
/// Numbers the published schema accepts as integers (JSON Schema: 1000.0 and 1e3 are integers) are read as such;
/// numbers it cannot hold are 400 errors with their pointer. Either way, never an exception (a 500).
/// </summary>
public sealed class TaskNumberTests
{
    private readonly TaskValidator _validator = new(maxSteps: 5, maxParallelSteps: 3);

    private TaskValidation Validate(string json) => _validator.Validate(JsonDocument.Parse(json).RootElement);

    [Theory]
    [InlineData("1000.0")]
    [InlineData("1e3")]
    [InlineData("1E+3")]
    [InlineData("10000e-1")]
    public void AnIntegralTaskTimeoutWrittenAsADecimalIsAnInteger(string number)
    {
        var result = Validate($$"""{ "agent": "a", "tool": "echo", "arguments": {}, "timeoutMs": {{number}} }""");

        Assert.Empty(result.Errors);
        Assert.Equal(1000, result.Task!.TimeoutMs);
    }

    [Fact]
    public void StepTimeoutsAndRetryNumbersWrittenAsDecimalsAreIntegers()
    {
        var result = Validate("""
            { "agent": "a", "steps": [ { "id": "s", "tool": "echo", "timeoutMs": 500.0,
              "retry": { "maxAttempts": 2.0, "backoffMs": 1e2 } } ] }
            """);

        Assert.Empty(result.Errors);
        var step = result.Task!.Step("s");
        Assert.Equal(500, step.TimeoutMs);
        Assert.Equal(new RetryPolicy(2, 100), step.Retry);
    }

    [Theory]
    [InlineData("/timeoutMs", """{ "agent": "a", "tool": "echo", "timeoutMs": 1e400 }""")]
    [InlineData("/timeoutMs", """{ "agent": "a", "tool": "echo", "timeoutMs": 1e20 }""")]
    [InlineData("/timeoutMs", """{ "agent": "a", "tool": "echo", "timeoutMs": -1e400 }""")]
    [InlineData("/timeoutMs", """{ "agent": "a", "tool": "echo", "timeoutMs": 1000.5 }""")]
    [InlineData("/steps/0/timeoutMs", """{ "agent": "a", "steps": [ { "id": "s", "tool": "echo", "timeoutMs": 1e400 } ] }""")]
    [InlineData("/steps/0/retry/maxAttempts", """{ "agent": "a", "steps": [ { "id": "s", "tool": "echo", "retry": { "maxAttempts": 1e20 } } ] }""")]
    [InlineData("/steps/0/retry/backoffMs", """{ "agent": "a", "steps": [ { "id": "s", "tool": "echo", "retry": { "backoffMs": 2.5 } } ] }""")]
    public void NumbersOutOfRangeOrNotIntegralAre400sAtTheirPointer(string pointer, string json)
    {
        var result = Validate(json);

        Assert.Null(result.Task);
        Assert.True(result.Errors.ContainsKey(pointer), JsonSerializer.Serialize(result.Errors));
    }

    [Fact]
    public void AnOverflowingNumberInsideArgumentsIsLeftToTheTool()
    {
        // Arguments are the tool's business (its schema is checked against them); the task itself is valid.
        var result = Validate("""{ "agent": "a", "tool": "math.add", "arguments": { "a": 1e400, "b": 1e308 } }""");

        Assert.Empty(result.Errors);
    }
}

/// <summary>Strings Postgres cannot store and look-alike ids never get past validation (400 with the pointer).</summary>
public sealed class TaskStringTests
{
    private readonly TaskValidator _validator = new(maxSteps: 5, maxParallelSteps: 3);

    [Theory]
    [InlineData("""{ "agent": "a", "tool": "echo", "arguments": { "text": "a\u0000b" } }""", "/arguments/text")]
    [InlineData("""{ "agent": "a", "tool": "echo", "arguments": { "text": "\ud800" } }""", "/arguments/text")]
    [InlineData("""{ "agent": "a", "tool": "echo", "input": { "x\u0000": 1 }, "arguments": {} }""", "/input/x\u0000")]
    [InlineData("""{ "agent": "a", "steps": [ { "id": "s\n", "tool": "echo" } ] }""", "/steps/0/id")]
    public void AreRejectedAtTheirPointer(string json, string pointer)
    {
        var result = _validator.Validate(JsonDocument.Parse(json).RootElement);

        Assert.Null(result.Task);
        Assert.True(result.Errors.ContainsKey(pointer), JsonSerializer.Serialize(result.Errors));
    }
}
