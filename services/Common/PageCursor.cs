using System.Buffers.Text;
using System.Text;

namespace AgentOrchestration.ServiceCommon;

/// <summary>
/// Opaque keyset-paging cursors: base64url of UTF-8 text. A cursor that does not decode to storable text is not
/// one the API returned, which the caller answers with 400 (never let it reach the database, where U+0000 fails).
/// </summary>
public static class PageCursor
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static string Encode(string text) => Base64Url.EncodeToString(StrictUtf8.GetBytes(text));

    public static bool TryDecode(string cursor, out string text)
    {
        text = "";
        try
        {
            text = StrictUtf8.GetString(Base64Url.DecodeFromChars(cursor));
            return StorableJson.IsStorable(text);
        }
        catch (FormatException)
        {
            return false; // not base64url
        }
        catch (ArgumentException)
        {
            return false; // not UTF-8 (DecoderFallbackException)
        }
    }
}
