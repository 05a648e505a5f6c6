using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace AgentOrchestration.ServiceCommon.Guards;

/// <summary>What is wrong with a JSON body: a problem code, the JSON Pointer of the place, and why.</summary>
public sealed record JsonBodyIssue(string Code, string Pointer, string Message);

/// <summary>
/// One forward pass of <see cref="Utf8JsonReader"/> over a buffered request body, finding what no endpoint may
/// receive: text that is not JSON or nests too deep, invalid UTF-8, a property name given twice in one object
/// (parsers disagree on which copy wins, so the gateway and a service could act on different values), and strings
/// or property names Postgres cannot store (<see cref="StorableJson"/>). No document is built; only escaped strings
/// are decoded, so a body costs about one read of its bytes.
/// </summary>
public static class JsonBodyInspector
{
    private const int StackCharLimit = 256;

    public static JsonBodyIssue? Inspect(ReadOnlySpan<byte> json, int maxDepth)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = maxDepth });
        var frames = new List<Frame>();
        var depth = 0;
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        if (CheckName(ref reader, frames[depth - 1]) is { } nameIssue)
                        {
                            return nameIssue with { Pointer = Pointer(frames, depth) };
                        }

                        continue;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        depth--;
                        continue;
                }

                // A value: it takes the next index of an enclosing array.
                if (depth > 0 && !frames[depth - 1].IsObject)
                {
                    frames[depth - 1].Index++;
                }

                if (reader.TokenType == JsonTokenType.String && CheckString(ref reader) is { } valueIssue)
                {
                    return valueIssue with { Pointer = Pointer(frames, depth) };
                }

                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                {
                    if (frames.Count == depth)
                    {
                        frames.Add(new Frame());
                    }

                    frames[depth++].Reset(reader.TokenType == JsonTokenType.StartObject);
                }
            }
        }
        catch (JsonException ex)
        {
            return new JsonBodyIssue(Problems.MalformedJson, Pointer(frames, depth), ex.Message);
        }

        return null;
    }

    private static JsonBodyIssue? CheckName(ref Utf8JsonReader reader, Frame frame)
    {
        if (CheckString(ref reader) is { } issue)
        {
            frame.Name = Encoding.UTF8.GetString(reader.ValueSpan); // the raw spelling: the name itself cannot be decoded
            return issue;
        }

        var name = reader.GetString()!;
        frame.Name = name;
        return frame.Names.Add(name)
            ? null
            : new JsonBodyIssue(Problems.MalformedJson, "", $"The property '{name}' appears more than once in one object.");
    }

    /// <summary>Raw bytes must be UTF-8; escapes (the only way to write U+0000 or a lone surrogate) must decode to storable text.</summary>
    private static JsonBodyIssue? CheckString(ref Utf8JsonReader reader)
    {
        if (!Utf8.IsValid(reader.ValueSpan))
        {
            return new JsonBodyIssue(Problems.MalformedJson, "", "The text is not valid UTF-8.");
        }

        if (!reader.ValueIsEscaped)
        {
            return null;
        }

        var length = reader.ValueSpan.Length; // unescaping only shortens
        var rented = length > StackCharLimit ? System.Buffers.ArrayPool<char>.Shared.Rent(length) : null;
        try
        {
            Span<char> buffer = rented is null ? stackalloc char[StackCharLimit] : rented;
            var written = reader.CopyString(buffer);
            return StorableJson.IsStorable(buffer[..written]) ? null : Unstorable;
        }
        catch (InvalidOperationException)
        {
            return Unstorable; // an escaped lone surrogate: .NET refuses to decode it
        }
        finally
        {
            if (rented is not null)
            {
                System.Buffers.ArrayPool<char>.Shared.Return(rented);
            }
        }
    }

    private static readonly JsonBodyIssue Unstorable = new(Problems.ValidationFailed, "", StorableJson.Rule);

    private static string Pointer(List<Frame> frames, int depth)
    {
        var pointer = new StringBuilder();
        for (var i = 0; i < depth; i++)
        {
            var frame = frames[i];
            if (frame.IsObject ? frame.Name is null : frame.Index < 0)
            {
                break; // an empty container: the pointer ends at it
            }

            pointer.Append('/').Append(frame.IsObject
                ? frame.Name!.Replace("~", "~0").Replace("/", "~1")
                : frame.Index.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        return pointer.ToString();
    }

    /// <summary>One open object or array; reused for every container at its depth.</summary>
    private sealed class Frame
    {
        private HashSet<string>? _names;

        public bool IsObject { get; private set; }

        public string? Name { get; set; }

        public int Index { get; set; }

        public HashSet<string> Names => _names ??= new HashSet<string>(StringComparer.Ordinal);

        public void Reset(bool isObject)
        {
            IsObject = isObject;
            Name = null;
            Index = -1;
            _names?.Clear();
        }
    }
}
