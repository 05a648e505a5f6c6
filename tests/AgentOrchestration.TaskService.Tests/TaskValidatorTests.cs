using System.Text.Json;
using AgentOrchestration.TaskService.Tasks.Definition;

namespace AgentOrchestration.TaskService.Tests;

public sealed class TaskValidatorTests
{
    private readonly TaskValidator _validator = new(maxSteps: 5, maxParallelSteps: 3);

    private TaskValidation Validate(string json) => _validator.Validate(JsonDocument.Parse(json).RootElement);

    private static void AssertError(TaskValidation validation, string pointer, string? contains = null)
    {
        Assert.Null(validation.Task);
        Assert.True(validation.Errors.ContainsKey(pointer), $"expected an error at {pointer}: {JsonSerializer.Serialize(validation.Errors)}");
        if (contains is not null)
        {
            Assert.Contains(validation.Errors[pointer], m => m.Contains(contains));
        }
    }

    [Fact]
    public void TheIssuesExampleIsValid()
    {
        var result = Validate("""
            { "agent": "planner", "input": { "city": "Oslo" },
              "steps": [
                { "id": "a", "tool": "math.add", "arguments": { "a": 2, "b": 3 } },
                { "id": "b", "tool": "math.multiply", "arguments": { "a": "{{steps.a.output.result}}", "b": 10 },
                  "dependsOn": ["a"], "timeoutMs": 5000, "retry": { "maxAttempts": 3, "backoffMs": 200 }, "continueOnError": false } ],
              "output": "{{steps.b.output}}", "timeoutMs": 60000 }
            """);

        Assert.Empty(result.Errors);
        Assert.Equal(["a", "b"], result.Task!.Steps.Select(s => s.Id));
        Assert.Equal(3, result.Task.Step("b").Retry!.MaxAttempts);
        Assert.Equal(60000, result.Task.TimeoutMs);
    }

    [Fact]
    public void TheShortFormBecomesOneStep()
    {
        var result = Validate("""{ "agent": "planner", "tool": "math.add", "arguments": { "a": 1, "b": 2 } }""");
        var step = Assert.Single(result.Task!.Steps);
        Assert.Equal(TaskDefinition.ShortFormStepId, step.Id);
        Assert.Equal("math.add", step.Tool);
    }

    [Fact]
    public void UnknownFieldsAreRejectedWithTheirPointer()
    {
        AssertError(Validate("""{ "agent": "p", "tool": "echo", "colour": "red" }"""), "/colour", "not allowed");
        AssertError(Validate("""{ "agent": "p", "steps": [{ "id": "a", "tool": "echo", "when": 1 }] }"""), "/steps/0/when");
    }

    [Fact]
    public void WrongTypesAndMissingFieldsAreRejected()
    {
        AssertError(Validate("""{ "agent": 5, "tool": "echo" }"""), "/agent");
        AssertError(Validate("""{ "tool": "echo" }"""), "/");
        AssertError(Validate("""{ "agent": "p", "steps": [{ "id": "a" }] }"""), "/steps/0");
        AssertError(Validate("""{ "agent": "p", "steps": [{ "id": "a", "tool": "echo", "retry": { "maxAttempts": 0 } }] }"""), "/steps/0/retry/maxAttempts");
    }

    [Fact]
    public void StepsAndTheShortFormAreExclusive()
    {
        AssertError(Validate("""{ "agent": "p", "tool": "echo", "steps": [{ "id": "a", "tool": "echo" }] }"""), "/", "either");
        AssertError(Validate("""{ "agent": "p" }"""), "/", "either");
    }

    [Fact]
    public void EmptyAndDuplicateStepIdsAreRejected()
    {
        AssertError(Validate("""{ "agent": "p", "steps": [{ "id": "", "tool": "echo" }] }"""), "/steps/0/id");
        AssertError(Validate("""{ "agent": "p", "steps": [{ "id": "a", "tool": "echo" }, { "id": "a", "tool": "echo" }] }"""), "/steps/1/id", "more than once");
    }

    [Fact]
    public void DependsOnAnUnknownStepIsRejected()
    {
        AssertError(Validate("""{ "agent": "p", "steps": [{ "id": "a", "tool": "echo", "dependsOn": ["ghost"] }] }"""), "/steps/0/dependsOn/0", "ghost");
    }

    [Fact]
    public void ACycleIsRejectedNamingItsMembers()
    {
        var result = Validate("""
            { "agent": "p", "steps": [
              { "id": "a", "tool": "echo", "dependsOn": ["c"] },
              { "id": "b", "tool": "echo", "dependsOn": ["a"] },
              { "id": "c", "tool": "echo", "dependsOn": ["b"] },
              { "id": "d", "tool": "echo" } ] }
            """);
        AssertError(result, "/steps", "cycle");
        var message = result.Errors["/steps"][0];
        Assert.Contains("a", message);
        Assert.Contains("b", message);
        Assert.Contains("c", message);
        Assert.DoesNotContain("d", message.Replace("depends", ""));
    }

    [Fact]
    public void ATemplateMayOnlyReferenceAnAncestor()
    {
        var result = Validate("""
            { "agent": "p", "steps": [
              { "id": "a", "tool": "echo" },
              { "id": "b", "tool": "echo", "arguments": { "text": "{{steps.c.output.text}}" } },
              { "id": "c", "tool": "echo", "dependsOn": ["a"], "arguments": { "text": "{{steps.a.output.text}}" } } ] }
            """);
        AssertError(result, "/steps/1/arguments/text", "not an ancestor");
        Assert.False(result.Errors.ContainsKey("/steps/2/arguments/text"));
    }

    [Fact]
    public void TransitiveAncestorsMayBeReferenced()
    {
        var result = Validate("""
            { "agent": "p", "steps": [
              { "id": "a", "tool": "echo" },
              { "id": "b", "tool": "echo", "dependsOn": ["a"] },
              { "id": "c", "tool": "echo", "dependsOn": ["b"], "arguments": { "text": "{{steps.a.output.text}}" } } ] }
            """);
        Assert.Empty(result.Errors);
    }

    [Fact]
    public void TheOutputMayReferenceAnyStepButNotAnUnknownOne()
    {
        AssertError(Validate("""{ "agent": "p", "steps": [{ "id": "a", "tool": "echo" }], "output": "{{steps.z.output}}" }"""), "/output", "unknown step");
    }

    [Fact]
    public void MoreStepsThanTheLimitAreRejected()
    {
        var steps = string.Join(",", Enumerable.Range(0, 6).Select(i => $$"""{ "id": "s{{i}}", "tool": "echo" }"""));
        AssertError(Validate($$"""{ "agent": "p", "steps": [{{steps}}] }"""), "/steps", "at most 5");
    }
}
