using System.Security.Cryptography;
using System.Text.Json;
using AgentOrchestration.AgentService.Infrastructure;
using AgentOrchestration.ServiceCommon.Contracts;
using AgentOrchestration.ServiceCommon.Security;
using Microsoft.EntityFrameworkCore;

namespace AgentOrchestration.AgentService.Services;

public static class IdempotencyKeys
{
    public const string Header = "Idempotency-Key";
    public const int MaxLength = 255;

    /// <summary>Said on a replayed creation, whose API key cannot be shown again (only its hash is stored).</summary>
    public const string KeyNotShownAgain =
        "This is a replay of the first response to this Idempotency-Key. The API key is shown only once, in that first response; " +
        "POST /agents/{id}/keys makes a new one (the old one stops working).";

    public static void Validate(string? key, Dictionary<string, string[]> errors)
    {
        if (key is not null && (key.Length is 0 or > MaxLength || key.Any(char.IsControl)))
        {
            errors["/headers/Idempotency-Key"] = [$"The Idempotency-Key must be 1 to {MaxLength} printable characters."];
        }
    }

    /// <summary>
    /// The caller a key belongs to: an agent by its id, another role by its name, and a call from inside the app
    /// (no caller headers) as "internal". Two callers never share a key space.
    /// </summary>
    public static string ScopeOf(Caller caller) =>
        caller.AgentId is { } agentId ? $"agent:{agentId}" : caller.Role ?? "internal";

    public static string Hash(CreateAgentRequest request) =>
        Convert.ToHexString(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(request, JsonSerializerOptions.Web)));

    /// <summary>
    /// The response to replay for a key this caller already used, or null when the key is new to this caller.
    /// A key reused with a different request is a client bug, answered with 422.
    /// </summary>
    public static async Task<AgentResponse?> ReplayAsync(
        AgentsDbContext db, string scope, string key, string requestHash, CancellationToken cancellationToken)
    {
        var record = await db.IdempotencyRecords.AsNoTracking()
            .FirstOrDefaultAsync(r => r.Scope == scope && r.Key == key, cancellationToken);
        if (record is null)
        {
            return null;
        }

        if (record.RequestHash != requestHash)
        {
            throw new IdempotencyKeyReusedException(key);
        }

        var agent = await db.Agents.AsNoTracking().FirstOrDefaultAsync(a => a.Id == record.AgentId, cancellationToken);
        return agent is null ? null : agent.ToResponse() with { ApiKeyNotice = KeyNotShownAgain };
    }
}

public sealed class IdempotencyKeyReusedException(string key)
    : Exception($"The Idempotency-Key '{key}' was already used with a different request.");
