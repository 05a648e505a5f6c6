namespace AgentOrchestration.ServiceCommon;

/// <summary>JSON Pointer (RFC 6901), the key of every <c>errors</c> map.</summary>
public static class JsonPointers
{
    /// <summary>One reference token: '~' becomes "~0" and '/' becomes "~1", in that order.</summary>
    public static string Escape(string token) => token.Replace("~", "~0").Replace("/", "~1");
}
