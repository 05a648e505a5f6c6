using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using CsCheck;

namespace AgentOrchestration.EndToEnd.Tests.Adversarial;

public enum MutationKind
{
    Nul,
    LoneHighSurrogate,
    LoneLowSurrogate,
    PoisonEveryString,
    NumberForm,
    HugeStringUnderLimit,
    HugeStringOverLimit,
    HugeArrayUnderLimit,
    HugeArrayOverLimit,
    TrailingWhitespace,
    IdShaped,
    WrongType,
    MissingField,
    DuplicateKey,
    InvalidUtf8,
    DeepNesting,
}

/// <summary>
/// One hostile change to a valid instance: <see cref="Target"/> picks the node (modulo the nodes that fit the kind),
/// <see cref="Variant"/> the form. Applying is deterministic, so a failing sample replays from its CsCheck seed.
/// </summary>
public sealed record Mutation(MutationKind Kind, int Target, int Variant)
{
    /// <summary>Bytes the body may have (the gateway's Limits:MaxRequestBodyBytes default): huge values go just under and over it.</summary>
    public const int BodyLimit = 1 << 20;

    /// <summary>Stands for invalid UTF-8 in the written text; <see cref="Encode"/> swaps it for the bytes.</summary>
    private const string InvalidUtf8Marker = "\uE000bad\uE001";

    private static readonly string[] NumberForms =
        ["1.0", "1e3", "1E3", "1e400", "-1e400", "1e308", "1.7976931348623157e308", "-0", "-0.0", "123456789012345678901234567890", "2147483648", "-2147483649", "0.5", "1e-400", "9007199254740993"];

    private static readonly string[] Whitespace = ["\n", "\r\n", " ", "\t", "\u2028", "\u00a0", "\r"];

    private static readonly string[] WrongTypes = ["1", "true", "null", "[]", "{}", "\"x\"", "[1,2]", """{"a":1}""", "-1", "\"\""];

    private static readonly byte[][] InvalidUtf8Forms = [[0xFF], [0xC3, 0x28], [0xED, 0xA0, 0x80], [0xC0, 0x80], [0xF4, 0x90, 0x80, 0x80]];

    private static readonly HashSet<string> NameLike = ["name", "agent", "tool", "id", "names", "tools"];

    public static readonly Gen<Mutation> Any = Gen.Select(Gen.Enum<MutationKind>(), Gen.Int[0, 1000], Gen.Int[0, 1000], (k, t, v) => new Mutation(k, t, v));

    /// <summary>Applies the mutations to the instance in <paramref name="holder"/>[0] (which may replace it) and writes the request body.</summary>
    public static byte[] Apply(JsonArray holder, IEnumerable<Mutation> mutations)
    {
        foreach (var mutation in mutations)
        {
            mutation.ApplyTo(holder);
        }

        return Encode(RawJson.Write(holder[0]));
    }

    private static byte[] Encode(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var marker = Encoding.UTF8.GetBytes(InvalidUtf8Marker);
        var output = new List<byte>(bytes.Length);
        var form = 0;
        for (var i = 0; i < bytes.Length; i++)
        {
            if (bytes.AsSpan(i).StartsWith(marker))
            {
                output.AddRange(InvalidUtf8Forms[form++ % InvalidUtf8Forms.Length]);
                i += marker.Length - 1;
            }
            else
            {
                output.Add(bytes[i]);
            }
        }

        return [.. output];
    }

    private void ApplyTo(JsonArray holder)
    {
        var all = Position.All(holder);
        switch (Kind)
        {
            case MutationKind.Nul: InsertInto(all, "\0"); break;
            case MutationKind.LoneHighSurrogate: InsertInto(all, "\ud800"); break;
            case MutationKind.LoneLowSurrogate: InsertInto(all, "\udc00"); break;
            case MutationKind.PoisonEveryString:
                foreach (var p in all.Where(p => p.IsString))
                {
                    p.Set(JsonValue.Create(p.String + (Variant % 2 == 0 ? "\0" : "\ud800")));
                }

                break;
            case MutationKind.NumberForm:
                Pick(all, p => p.IsNumber).Set(RawJson.Node(NumberForms[Variant % NumberForms.Length]));
                break;
            case MutationKind.HugeStringUnderLimit:
                Pick(all, p => p.IsString).Set(JsonValue.Create(Filler(BodyLimit - 64 * 1024)));
                break;
            case MutationKind.HugeStringOverLimit:
                Pick(all, p => p.IsString).Set(JsonValue.Create(Filler(BodyLimit + 64 * 1024)));
                break;
            case MutationKind.HugeArrayUnderLimit:
                HugeArray(Pick(all, p => p.Node is JsonArray), BodyLimit - 64 * 1024);
                break;
            case MutationKind.HugeArrayOverLimit:
                HugeArray(Pick(all, p => p.Node is JsonArray), BodyLimit + 64 * 1024);
                break;
            case MutationKind.TrailingWhitespace:
                var name = Pick(all, p => p.IsString && NameLike.Contains(p.Key ?? ""), p => p.IsString);
                name.Set(JsonValue.Create((name.String ?? "adv") + Whitespace[Variant % Whitespace.Length]));
                break;
            case MutationKind.IdShaped:
                Pick(all, p => p.IsString && NameLike.Contains(p.Key ?? ""), p => p.IsString).Set(JsonValue.Create(IdShapedText()));
                break;
            case MutationKind.WrongType:
                Pick(all, p => p.Parent is not null).Set(RawJson.Node(WrongTypes[Variant % WrongTypes.Length]));
                break;
            case MutationKind.MissingField:
                var field = Pick(all, p => p.Parent is JsonObject);
                (field.Parent as JsonObject)?.Remove(field.Key!);
                break;
            case MutationKind.DuplicateKey:
                DuplicateKey(Pick(all, p => p.Node is JsonObject { Count: > 0 }));
                break;
            case MutationKind.InvalidUtf8:
                var text = Pick(all, p => p.IsString);
                text.Set(JsonValue.Create((text.String ?? "") + InvalidUtf8Marker));
                break;
            case MutationKind.DeepNesting:
                var depth = 33 + Variant % 40;
                Pick(all, p => true).Set(RawJson.Node(Variant % 2 == 0
                    ? new string('[', depth) + new string(']', depth)
                    : string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth)));
                break;
        }
    }

    private void InsertInto(List<Position> all, string bad)
    {
        var p = Pick(all, x => x.IsString);
        var s = p.String ?? "ab";
        p.Set(JsonValue.Create(s.Insert(Variant % (s.Length + 1), bad)));
    }

    private string IdShapedText()
    {
        var id = new Guid(Enumerable.Range(0, 16).Select(i => (byte)((Variant * 31 + Target * 17 + i * 7) % 256)).ToArray());
        return (Variant % 4) switch
        {
            0 => id.ToString("N"),
            1 => id.ToString("D"),
            2 => id.ToString("D").ToUpperInvariant(),
            _ => id.ToString("B"),
        };
    }

    private static string Filler(int length) => new('a', length);

    private static void HugeArray(Position p, int bytes)
    {
        var item = (p.Node as JsonArray)?.FirstOrDefault() is { } first ? RawJson.Write(first) : "0";
        var count = bytes / (item.Length + 1) + 1;
        p.Set(RawJson.Node($"[{string.Join(',', Enumerable.Repeat(item, count))}]"));
    }

    private void DuplicateKey(Position p)
    {
        if (p.Node is not JsonObject obj || obj.Count == 0)
        {
            p.Set(RawJson.Node("""{"a":1,"a":2}"""));
            return;
        }

        var (key, value) = obj.ElementAt(Variant % obj.Count);
        var original = RawJson.Write(value);
        var other = Variant % 3 == 0 ? original : WrongTypes[Variant % WrongTypes.Length];
        var text = new StringBuilder("{");
        RawJson.WriteString(key, text);
        text.Append(':').Append(Variant % 2 == 0 ? original : other).Append(',');
        var rest = RawJson.Write(obj);
        text.Append(rest.AsSpan(1)); // the object's own members, the duplicated one among them
        var written = text.ToString();
        p.Set(RawJson.Node(written.EndsWith(",}", StringComparison.Ordinal) ? written[..^2] + "}" : written));
    }

    /// <summary>The node of the kind's choice: one that fits (Target modulo their count), else any node, else the root.</summary>
    private Position Pick(List<Position> all, params Func<Position, bool>[] preferences)
    {
        foreach (var fits in preferences)
        {
            var candidates = all.Where(fits).ToList();
            if (candidates.Count > 0)
            {
                return candidates[Target % candidates.Count];
            }
        }

        return all[Target % all.Count];
    }

    public override string ToString() => $"{Kind}({Target},{Variant})";

    /// <summary>A place in the tree: the node, its parent and its key or index, so it can be replaced or removed.</summary>
    private sealed record Position(JsonNode? Node, JsonNode? Parent, string? Key, int Index)
    {
        public bool IsString => Node is JsonValue v && v.TryGetValue<string>(out _);

        public string? String => Node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

        public bool IsNumber => Node is JsonValue v && !IsString && !v.TryGetValue<bool>(out _) && !v.TryGetValue<RawJson>(out _);

        public void Set(JsonNode? value)
        {
            switch (Parent)
            {
                case JsonObject obj: obj[Key!] = value; break;
                case JsonArray array: array[Index] = value; break;
            }
        }

        public static List<Position> All(JsonArray holder)
        {
            var all = new List<Position>();
            Walk(holder[0], holder, null, 0, all);
            return all;
        }

        private static void Walk(JsonNode? node, JsonNode parent, string? key, int index, List<Position> all)
        {
            all.Add(new Position(node, parent, key, index));
            switch (node)
            {
                case JsonObject obj:
                    foreach (var (k, v) in obj.ToList())
                    {
                        Walk(v, obj, k, 0, all);
                    }

                    break;
                case JsonArray array:
                    for (var i = 0; i < array.Count; i++)
                    {
                        Walk(array[i], array, null, i, all);
                    }

                    break;
            }
        }
    }
}
