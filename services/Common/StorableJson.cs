using System.Text;
using System.Text.Json;

namespace AgentOrchestration.ServiceCommon;

/// <summary>
/// The one rule for text that Postgres must hold: <c>text</c> and <c>jsonb</c> cannot store U+0000, and neither can
/// hold a lone UTF-16 surrogate (System.Text.Json cannot even read one as a string). Such data is refused where it
/// enters — 400 for a request, a failed call for a tool's output — never escaped behind the user's back; free text
/// we write ourselves (error messages quoting a tool) is cleaned with <see cref="Clean"/>.
/// </summary>
public static class StorableJson
{
    public const string Rule = "Strings may not contain U+0000 or unpaired UTF-16 surrogates.";

    /// <summary>The JSON Pointer of the first string or property name that cannot be stored, or null when all can.</summary>
    public static string? FindUnstorable(JsonElement element) => Find(element, "");

    public static bool IsStorable(string value) => IsStorable(value.AsSpan());

    public static bool IsStorable(ReadOnlySpan<char> value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c == '\0')
            {
                return false;
            }

            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Free text made storable: U+0000 and unpaired surrogates become U+FFFD.</summary>
    public static string Clean(string value)
    {
        if (IsStorable(value))
        {
            return value;
        }

        var builder = new StringBuilder(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                builder.Append(c).Append(value[++i]);
            }
            else
            {
                builder.Append(c == '\0' || char.IsSurrogate(c) ? '\uFFFD' : c);
            }
        }

        return builder.ToString();
    }

    private static string? Find(JsonElement element, string pointer)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                return TryRead(element, out var text) && IsStorable(text) ? null : pointer;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    if (Find(item, $"{pointer}/{index++}") is { } found)
                    {
                        return found;
                    }
                }

                return null;
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    string name;
                    try
                    {
                        name = property.Name;
                    }
                    catch (InvalidOperationException)
                    {
                        return pointer + "/";
                    }

                    var child = $"{pointer}/{JsonPointers.Escape(name)}";
                    if (!IsStorable(name))
                    {
                        return child;
                    }

                    if (Find(property.Value, child) is { } found)
                    {
                        return found;
                    }
                }

                return null;
            default:
                return null;
        }
    }

    private static bool TryRead(JsonElement element, out string text)
    {
        try
        {
            text = element.GetString() ?? "";
            return true;
        }
        catch (InvalidOperationException)
        {
            text = "";
            return false;
        }
    }
}
