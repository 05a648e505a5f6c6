using System.Text.Json;
using AgentOrchestration.TaskService.Tasks.Definition;

namespace AgentOrchestration.TaskService.Tests;

public sealed class TaskGraphTests
{
    private static TaskDefinition Diamond() => new("p", null,
    [
        Step("a"), Step("b", "a"), Step("c", "a"), Step("d", "b", "c"), Step("e"),
    ], null, null);

    private static StepDefinition Step(string id, params string[] dependsOn) =>
        new(id, "echo", JsonDocument.Parse("{}").RootElement, dependsOn, null, new RetryPolicy(), false);

    [Fact]
    public void AncestorsAreTransitive() => Assert.Equal(["a", "b", "c"], TaskGraph.Ancestors(Diamond(), "d").Order());

    [Fact]
    public void DescendantsAreWhatAFailureSkips() => Assert.Equal(["b", "c", "d"], TaskGraph.Descendants(Diamond(), "a").Order());

    [Fact]
    public void ADiamondHasNoCycle() => Assert.Null(TaskGraph.FindCycle(Diamond()));

    [Fact]
    public void ASelfLoopIsACycle() => Assert.Equal(["a", "a"], TaskGraph.FindCycle(new("p", null, [Step("a", "a")], null, null)));
}
