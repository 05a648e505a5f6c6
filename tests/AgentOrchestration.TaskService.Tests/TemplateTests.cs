using System.Text.Json;
using AgentOrchestration.TaskService.Tasks.Definition;

namespace AgentOrchestration.TaskService.Tests;

public sealed class TemplateTests
{
    private static readonly JsonElement Context = JsonDocument.Parse("""
        {
          "input": { "city": "Oslo", "days": 3, "tags": ["a", "b"] },
          "steps": {
            "a": { "status": "succeeded", "output": { "result": 5, "nested": { "x": true } } },
            "f": { "status": "failed", "output": null }
          }
        }
        """).RootElement;

    private static string Resolve(string json) =>
        JsonSerializer.Serialize(Templates.Resolve(JsonDocument.Parse(json).RootElement, Context));

    [Fact]
    public void AStringThatIsExactlyOneTemplateBecomesTheReferencedValue()
    {
        Assert.Equal("""{"a":5,"b":{"x":true},"c":3}""",
            Resolve("""{"a":"{{steps.a.output.result}}","b":"{{ steps.a.output.nested }}","c":"{{input.days}}"}"""));
    }

    [Fact]
    public void TemplatesInsideALongerStringAreInterpolatedAsText()
    {
        Assert.Equal("\"Weather in Oslo for 3 days: 5\"", Resolve("\"Weather in {{input.city}} for {{input.days}} days: {{steps.a.output.result}}\""));
    }

    [Fact]
    public void StatusAndArrayIndexesResolve()
    {
        Assert.Equal("""["failed","b"]""", Resolve("""["{{steps.f.status}}","{{input.tags.1}}"]"""));
    }

    [Fact]
    public void AMissingPathIsNullOrEmptyText()
    {
        Assert.Equal("""{"a":null,"b":"x-"}""", Resolve("""{"a":"{{input.nope}}","b":"x-{{input.nope}}"}"""));
    }

    [Fact]
    public void NonStringValuesAreKeptAsTheyAre()
    {
        Assert.Equal("""{"n":1.5,"t":true,"z":null,"l":[1,"{x}"]}""", Resolve("""{"n":1.5,"t":true,"z":null,"l":[1,"{x}"]}"""));
    }

    [Fact]
    public void FindAllReportsEachTemplateWithItsPointer()
    {
        var found = Templates.FindAll(JsonDocument.Parse("""{"a":{"b/c":["{{input.x}} and {{steps.s.output}}"]}}""").RootElement, "/args").ToList();
        Assert.Equal([("/args/a/b~1c/0", "input.x"), ("/args/a/b~1c/0", "steps.s.output")], found);
    }

    [Theory]
    [InlineData("input.city", null)]
    [InlineData("steps.a.output", null)]
    [InlineData("steps.a.output.x.y", null)]
    [InlineData("steps.a.status", null)]
    [InlineData("steps.a", "not a valid reference")]
    [InlineData("steps.a.result", "not a valid reference")]
    [InlineData("env.HOME", "not a valid reference")]
    public void PathShapesAreChecked(string path, string? error)
    {
        var result = Templates.CheckPath(path);
        if (error is null)
        {
            Assert.Null(result);
        }
        else
        {
            Assert.Contains(error, result);
        }
    }
}
