using System.Text.Json;
using System.Text.Json.Serialization;

namespace AgentOrchestration.ServiceCommon.Contracts;

/// <summary>
/// Published on Redis pub/sub after every committed agent change, so caches of "which tools may agent X use"
/// in other services drop the entry at once instead of waiting for it to expire.
/// </summary>
public sealed record AgentChanged(Guid Id, string Name, string Change)
{
    public const string Channel = "agents:changed";
    public const string Created = "created";
    public const string Updated = "updated";
    public const string Deleted = "deleted";
    public const string KeyRotated = "key-rotated";

    /// <summary>A key of the admin's (not an agent's) was revoked: <see cref="Id"/> is the key's id, the name empty.</summary>
    public const string KeyRevoked = "key-revoked";

    /// <summary>A creation cannot make a cached answer wrong (nothing was cached for an agent that did not exist).</summary>
    [JsonIgnore]
    public bool CanStaleCaches => Change != Created;

    public string ToNotice() => JsonSerializer.Serialize(this, JsonSerializerOptions.Web);

    /// <summary>The notice's change, or null for a message that is not one (nothing to act on).</summary>
    public static AgentChanged? FromNotice(string message)
    {
        try
        {
            return JsonSerializer.Deserialize<AgentChanged>(message, JsonSerializerOptions.Web);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
