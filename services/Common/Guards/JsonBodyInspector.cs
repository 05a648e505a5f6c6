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
    private const int LinearNameLimit = 16;

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
                        if (CheckName(ref reader, json, frames[depth - 1]) is { } nameIssue)
                        {
                            return nameIssue with { Pointer = Pointer(json, frames, depth) };
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
                    return valueIssue with { Pointer = Pointer(json, frames, depth) };
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
            return new JsonBodyIssue(Problems.MalformedJson, Pointer(json, frames, depth), ex.Message);
        }

        return null;
    }

    private static JsonBodyIssue? CheckName(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, Frame frame)
    {
        // The opening quote is at TokenStartIndex; the raw name follows it.
        var start = (int)reader.TokenStartIndex + 1;
        var length = reader.ValueSpan.Length;
        if (CheckString(ref reader) is { } issue)
        {
            frame.SetName(start, length, text: null); // the raw spelling: the name itself cannot be decoded
            return issue;
        }

        string? text = null;
        bool added;
        if (!reader.ValueIsEscaped && frame.Strings is null && frame.Seen.Count < LinearNameLimit)
        {
            // Small objects (nearly all of them) compare raw bytes: no string per property name.
            var name = json.Slice(start, length);
            added = true;
            foreach (var (seenStart, seenLength) in frame.Seen)
            {
                added &= !json.Slice(seenStart, seenLength).SequenceEqual(name);
            }

            frame.Seen.Add((start, length));
        }
        else
        {
            if (frame.Strings is null)
            {
                frame.Strings = new HashSet<string>(StringComparer.Ordinal);
                foreach (var (seenStart, seenLength) in frame.Seen)
                {
                    frame.Strings.Add(Encoding.UTF8.GetString(json.Slice(seenStart, seenLength)));
                }
            }

            text = reader.GetString()!;
            added = frame.Strings.Add(text);
        }

        frame.SetName(start, length, reader.ValueIsEscaped ? text ?? reader.GetString() : null);
        return added
            ? null
            : new JsonBodyIssue(Problems.MalformedJson, "", $"The property '{text ?? Encoding.UTF8.GetString(json.Slice(start, length))}' appears more than once in one object.");
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

    private static string Pointer(ReadOnlySpan<byte> json, List<Frame> frames, int depth)
    {
        var pointer = new StringBuilder();
        for (var i = 0; i < depth; i++)
        {
            var frame = frames[i];
            if (frame.IsObject ? frame.NameLength < 0 : frame.Index < 0)
            {
                break; // an empty container: the pointer ends at it
            }

            pointer.Append('/').Append(frame.IsObject
                ? JsonPointers.Escape(frame.NameText ?? Encoding.UTF8.GetString(json.Slice(frame.NameStart, frame.NameLength)))
                : frame.Index.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        return pointer.ToString();
    }

    /// <summary>One open object or array; reused for every container at its depth.</summary>
    private sealed class Frame
    {
        public bool IsObject { get; private set; }

        public int Index { get; set; }

        /// <summary>The current property's name: a range of the raw body, or its decoded text when it was escaped.</summary>
        public int NameStart { get; private set; }

        public int NameLength { get; private set; } = -1;

        public string? NameText { get; private set; }

        /// <summary>The names so far as raw ranges (few, unescaped), or as text once there are many or any is escaped.</summary>
        public List<(int Start, int Length)> Seen { get; } = [];

        public HashSet<string>? Strings { get; set; }

        public void SetName(int start, int length, string? text) => (NameStart, NameLength, NameText) = (start, length, text);

        public void Reset(bool isObject)
        {
            IsObject = isObject;
            Index = -1;
            (NameStart, NameLength, NameText) = (0, -1, null);
            Seen.Clear();
            Strings = null;
        }
    }
}
