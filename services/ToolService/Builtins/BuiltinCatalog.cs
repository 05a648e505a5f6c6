namespace AgentOrchestration.ToolService.Builtins;

/// <summary>
/// A tool shipped with the service: registered at start-up, deterministic, with a real input schema. TimeoutMs is the
/// longest one call may take; <c>sleep</c> may be asked to wait up to ten minutes, so its limit must allow that.
/// </summary>
public sealed record BuiltinDefinition(string Name, string Description, string[] Tags, string InputSchema, string OutputSchema,
    int TimeoutMs = BuiltinDefinition.DefaultTimeoutMs)
{
    public const int DefaultTimeoutMs = 30_000;
}

public static class BuiltinCatalog
{
    private const string Draft = "\"$schema\": \"https://json-schema.org/draft/2020-12/schema\"";

    private static string Object(string properties, params string[] required) =>
        $$"""{ {{Draft}}, "type": "object", "properties": { {{properties}} }, "required": [{{string.Join(", ", required.Select(r => $"\"{r}\""))}}], "additionalProperties": false }""";

    public static readonly IReadOnlyList<BuiltinDefinition> All =
    [
        new("echo", "Echo: returns the text it is given, unchanged.", ["text", "debug"],
            Object("\"text\": { \"type\": \"string\" }", "text"),
            Object("\"text\": { \"type\": \"string\" }", "text")),
        new("math.add", "Add two numbers and return their sum.", ["math", "arithmetic", "numbers"],
            Object("\"a\": { \"type\": \"number\" }, \"b\": { \"type\": \"number\" }", "a", "b"),
            Object("\"result\": { \"type\": \"number\" }", "result")),
        new("math.multiply", "Multiply two numbers and return their product.", ["math", "arithmetic", "numbers"],
            Object("\"a\": { \"type\": \"number\" }, \"b\": { \"type\": \"number\" }", "a", "b"),
            Object("\"result\": { \"type\": \"number\" }", "result")),
        new("text.upper", "Convert text to upper case.", ["text", "string"],
            Object("\"text\": { \"type\": \"string\" }", "text"),
            Object("\"text\": { \"type\": \"string\" }", "text")),
        new("text.length", "Count the characters of a text.", ["text", "string"],
            Object("\"text\": { \"type\": \"string\" }", "text"),
            Object("\"length\": { \"type\": \"integer\" }", "length")),
        new("json.pick", "Pick a value out of a JSON document with a JSON Pointer (RFC 6901).", ["json", "data"],
            Object("\"value\": {}, \"pointer\": { \"type\": \"string\" }", "value", "pointer"),
            Object("\"result\": {}", "result")),
        new("time.now", "The current UTC time.", ["time", "clock"],
            Object(""),
            Object("\"utc\": { \"type\": \"string\", \"format\": \"date-time\" }", "utc")),
        new("sleep", "Wait for a number of milliseconds, then return; stops early when cancelled.", ["time", "debug"],
            Object("\"ms\": { \"type\": \"integer\", \"minimum\": 0, \"maximum\": 600000 }", "ms"),
            Object("\"sleptMs\": { \"type\": \"integer\" }", "sleptMs"), TimeoutMs: Apis.ToolRules.MaxTimeoutMs),
        new("fail", "Always fail with the given message, for testing retries and error paths.", ["debug", "testing"],
            Object("\"message\": { \"type\": \"string\" }", "message"),
            Object("")),
    ];
}
