using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace AgentOrchestration.EndToEnd.Tests.Adversarial;

/// <summary>
/// JSON text that no serializer would write: a number such as 1e400 or -0, a lone surrogate escape, an object with a
/// duplicate key. It sits in a <see cref="JsonNode"/> tree as a value and is written verbatim.
/// </summary>
public sealed record RawJson(string Text)
{
    public static JsonNode Node(string text) => JsonValue.Create(new RawJson(text))!;

    /// <summary>
    /// Writes the tree as JSON text. Strings are escaped by hand: control characters and every UTF-16 surrogate as
    /// \uXXXX, so a lone surrogate reaches the server as the escape a hostile client would send (an encoder would
    /// replace it with U+FFFD).
    /// </summary>
    public static string Write(JsonNode? node)
    {
        var text = new StringBuilder();
        Write(node, text);
        return text.ToString();
    }

    private static void Write(JsonNode? node, StringBuilder text)
    {
        switch (node)
        {
            case null:
                text.Append("null");
                break;
            case JsonObject obj:
                text.Append('{');
                var first = true;
                foreach (var (name, value) in obj)
                {
                    text.Append(first ? "" : ",");
                    first = false;
                    WriteString(name, text);
                    text.Append(':');
                    Write(value, text);
                }

                text.Append('}');
                break;
            case JsonArray array:
                text.Append('[');
                for (var i = 0; i < array.Count; i++)
                {
                    text.Append(i == 0 ? "" : ",");
                    Write(array[i], text);
                }

                text.Append(']');
                break;
            case JsonValue value when value.TryGetValue<RawJson>(out var raw):
                text.Append(raw.Text);
                break;
            case JsonValue value when value.TryGetValue<string>(out var s):
                WriteString(s, text);
                break;
            case JsonValue value when value.TryGetValue<bool>(out var b):
                text.Append(b ? "true" : "false");
                break;
            case JsonValue value when value.TryGetValue<double>(out var d):
                text.Append(d.ToString("R", CultureInfo.InvariantCulture));
                break;
            default:
                text.Append(node.ToJsonString());
                break;
        }
    }

    public static void WriteString(string s, StringBuilder text)
    {
        text.Append('"');
        foreach (var c in s)
        {
            switch (c)
            {
                case '"': text.Append("\\\""); break;
                case '\\': text.Append("\\\\"); break;
                case '\n': text.Append("\\n"); break;
                case '\r': text.Append("\\r"); break;
                case '\t': text.Append("\\t"); break;
                default:
                    if (c < 0x20 || char.IsSurrogate(c))
                    {
                        text.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
                    }
                    else
                    {
                        text.Append(c);
                    }

                    break;
            }
        }

        text.Append('"');
    }
}
