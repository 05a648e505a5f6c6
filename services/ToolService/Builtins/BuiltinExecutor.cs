using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using AgentOrchestration.ToolService.Invocation;
using Json.Pointer;

namespace AgentOrchestration.ToolService.Builtins;

/// <summary>Runs the builtin tools. Arguments have already passed the tool's input schema.</summary>
public sealed class BuiltinExecutor(TimeProvider clock)
{
    public async Task<JsonNode?> ExecuteAsync(string name, JsonElement args, CancellationToken cancellationToken) => name switch
    {
        "echo" => new JsonObject { ["text"] = args.GetProperty("text").GetString() },
        "math.add" => new JsonObject { ["result"] = Number(Operand(args, "a") + Operand(args, "b")) },
        "math.multiply" => new JsonObject { ["result"] = Number(Operand(args, "a") * Operand(args, "b")) },
        "text.upper" => new JsonObject { ["text"] = args.GetProperty("text").GetString()!.ToUpperInvariant() },
        // Characters as people count them: "é" is one, even when written as two code points.
        "text.length" => new JsonObject { ["length"] = new StringInfo(args.GetProperty("text").GetString()!).LengthInTextElements },
        "json.pick" => new JsonObject { ["result"] = Pick(args.GetProperty("value"), args.GetProperty("pointer").GetString()!) },
        "time.now" => new JsonObject { ["utc"] = clock.GetUtcNow().UtcDateTime.ToString("O", CultureInfo.InvariantCulture) },
        // JSON Schema's "integer" admits 1.0 and 1e3; the schema has already bounded it to 0..600000.
        "sleep" => await SleepAsync((int)args.GetProperty("ms").GetDouble(), cancellationToken),
        "fail" => throw new ToolFailureException(args.GetProperty("message").GetString() ?? "fail"),
        _ => throw new ToolFailureException($"No builtin tool named '{name}'."),
    };

    public const string NumberOutOfRange = "number_out_of_range";

    /// <summary>
    /// Whole results stay integers (2 + 3 is 5, not 5.0) so they read naturally in JSON. A result beyond the range of
    /// a double (1e308 + 1e308) has no JSON form: a failed call, not an "Infinity" nobody can parse.
    /// </summary>
    private static JsonNode Number(double value)
    {
        if (!double.IsFinite(value))
        {
            throw new ToolFailureException("The result is beyond the range of a 64-bit floating-point number (about ±1.8e308).", NumberOutOfRange);
        }

        return value % 1 == 0 && Math.Abs(value) < 9e15 ? JsonValue.Create((long)value) : JsonValue.Create(value);
    }

    /// <summary>A number the schema admits but a double cannot hold (1e400) is the caller's to fix.</summary>
    private static double Operand(JsonElement args, string name) =>
        args.GetProperty(name).TryGetDouble(out var value) && double.IsFinite(value)
            ? value
            : throw new ToolFailureException($"'{name}' is beyond the range of a 64-bit floating-point number (about ±1.8e308).", NumberOutOfRange);

    private static JsonNode? Pick(JsonElement value, string pointer)
    {
        if (!JsonPointer.TryParse(pointer, out var parsed))
        {
            throw new ToolFailureException($"'{pointer}' is not a JSON Pointer (RFC 6901), e.g. \"/items/0/name\".");
        }

        var found = parsed.Evaluate(value) ?? throw new ToolFailureException($"Nothing is at '{pointer}' in the value.");
        return JsonNode.Parse(found.GetRawText());
    }

    private async Task<JsonNode> SleepAsync(int ms, CancellationToken cancellationToken)
    {
        await Task.Delay(TimeSpan.FromMilliseconds(ms), clock, cancellationToken);
        return new JsonObject { ["sleptMs"] = ms };
    }
}
