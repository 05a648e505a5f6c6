using System.Text.Json;

namespace AgentOrchestration.ServiceCommon.Tests;

/// <summary>
/// Schema patterns come from users and MCP servers. A catastrophic pattern must cost linear time (the
/// non-backtracking engine), and one that needs backtracking (a backreference) must stop at its timeout with a clear
/// violation, wherever in the schema it sits.
/// </summary>
public sealed class JsonSchemaPatternTests
{
    private static JsonElement Parse(string json) => JsonDocument.Parse(json).RootElement.Clone();

    [Fact]
    public void ACatastrophicPatternOverManyStringsIsAnOrdinaryMismatch()
    {
        var schema = JsonSchemas.Build(Parse("""{ "type": "array", "items": { "type": "string", "pattern": "^(a+)+$" } }"""));
        var hostile = string.Join(",", Enumerable.Repeat($"\"{new string('a', 40)}!\"", 2_000));

        var violations = JsonSchemas.Violations(schema, Parse($"[{hostile}]")).ToList();

        Assert.NotEmpty(violations);
        Assert.DoesNotContain(violations, v => v.Message == JsonSchemas.PatternTooSlow);
        Assert.Empty(JsonSchemas.Violations(schema, Parse("""["aaa", "a"]""")));
    }

    [Fact]
    public void APatternThatNeedsBacktrackingStopsAtItsTimeout()
    {
        var schema = JsonSchemas.Build(Parse("""{ "type": "string", "pattern": "^(a+)+\\1$" }"""));

        var violations = JsonSchemas.Violations(schema, Parse($"\"{new string('a', 40)}!\"")).ToList();

        Assert.Contains(violations, v => v.Message == JsonSchemas.PatternTooSlow);
    }

    [Fact]
    public void APatternReachedOnlyThroughARefIsBoundedToo()
    {
        var schema = JsonSchemas.Build(Parse("""
            { "type": "object", "properties": { "s": { "$ref": "#/$defs/p" } },
              "$defs": { "p": { "type": "string", "pattern": "^(a+)+\\1$" } } }
            """));

        var violations = JsonSchemas.Violations(schema, Parse($$"""{ "s": "{{new string('a', 40)}}!" }""")).ToList();

        Assert.Contains(violations, v => v.Message == JsonSchemas.PatternTooSlow);
    }

    [Fact]
    public void PatternsKeepTheirMeaning()
    {
        var schema = JsonSchemas.Build(Parse("""{ "type": "string", "pattern": "^[a-z]+-[0-9]{2}$" }"""));

        Assert.Empty(JsonSchemas.Violations(schema, Parse("\"abc-42\"")));
        Assert.NotEmpty(JsonSchemas.Violations(schema, Parse("\"abc-4\"")));
    }
}
