using System.Text.Json;
using AgentOrchestration.TaskService.Tasks.Definition;

namespace AgentOrchestration.TaskService.Tests;

/// <summary>Templates can multiply an output; resolution stops at its limit instead of building the whole result.</summary>
public sealed class TemplateLimitTests
{
    private static JsonElement Parse(string json) => JsonDocument.Parse(json).RootElement;

    [Fact]
    public void AnOutputRepeatedPastTheLimitStopsResolution()
    {
        var context = JsonSerializer.SerializeToElement(new { steps = new { a = new { output = new { text = new string('x', 200_000) } } } });
        var arguments = Parse($$"""{ "text": "{{string.Concat(Enumerable.Repeat("{{steps.a.output.text}}", 25))}}" }""");

        var ex = Assert.Throws<TemplateTooLargeException>(() => Templates.Resolve(arguments, context, maxChars: 1024 * 1024));
        Assert.Equal(1024 * 1024, ex.Limit);
    }

    [Fact]
    public void AWholeTemplateOfALargeValueCountsToo()
    {
        var context = JsonSerializer.SerializeToElement(new { steps = new { a = new { output = Enumerable.Range(0, 50_000).ToArray() } } });
        var arguments = Parse("""{ "x": "{{steps.a.output}}", "y": "{{steps.a.output}}" }""");

        Assert.Throws<TemplateTooLargeException>(() => Templates.Resolve(arguments, context, maxChars: 300_000));
    }

    [Fact]
    public void WithinTheLimitTheResultIsUnchanged()
    {
        var context = JsonSerializer.SerializeToElement(new { steps = new { a = new { output = new { text = "hi" } } } });
        var arguments = Parse("""{ "text": "{{steps.a.output.text}} {{steps.a.output.text}}", "n": 3 }""");

        var resolved = Templates.Resolve(arguments, context, maxChars: 100);

        Assert.Equal("hi hi", resolved!["text"]!.GetValue<string>());
        Assert.Equal(3, resolved["n"]!.GetValue<int>());
    }
}
