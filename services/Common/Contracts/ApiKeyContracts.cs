using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace AgentOrchestration.ServiceCommon.Contracts;

/// <summary>The three roles a key can carry.</summary>
public static class Roles
{
    public const string Admin = "admin";
    public const string Viewer = "viewer";
    public const string Agent = "agent";
}

/// <summary>
/// API keys are 256 random bits, so a plain SHA-256 is enough to store them: no dictionary or brute force can
/// reverse it, and a lookup by hash costs one index probe (a slow password hash would cost every request).
/// </summary>
public static class ApiKeys
{
    public const string Prefix = "aok_";

    public static string Generate() => Prefix + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
}

public sealed record ResolveKeyRequest(string Hash);

/// <summary>Who a key belongs to: a viewer key, or an agent's key with the agent's current state.</summary>
public sealed record ResolvedKey(Guid KeyId, string Role, Guid? AgentId, string? AgentName, AgentStatus? AgentStatus);

public sealed record CreateApiKeyRequest(string? Name, string? Role = null);

/// <summary>A key's record; <c>ApiKey</c> (the secret) is present only in the response that created it.</summary>
public sealed record ApiKeyResponse(Guid Id, string Name, string Role, Guid? AgentId, DateTimeOffset CreatedAt, string? ApiKey = null);
