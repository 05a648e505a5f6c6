using System.Security.Cryptography;
using System.Text.Json;
using AgentOrchestration.AgentService.Infrastructure;
using AgentOrchestration.ServiceCommon.Contracts;
using Microsoft.EntityFrameworkCore;

namespace AgentOrchestration.AgentService.Services;

public static class IdempotencyKeys
{
    public const string Header = "Idempotency-Key";
    public const int MaxLength = 255;

    public static void Validate(string? key, Dictionary<string, string[]> errors)
    {
        if (key is not null && (key.Length is 0 or > MaxLength || key.Any(char.IsControl)))
        {
            errors["/headers/Idempotency-Key"] = [$"The Idempotency-Key must be 1 to {MaxLength} printable characters."];
        }
    }

    public static string Hash(CreateAgentRequest request) =>
        Convert.ToHexString(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(request, JsonSerializerOptions.Web)));

    /// <summary>
    /// The response to replay for a key already used, or null when the key is new.
    /// A key reused with a different request is a client bug, answered with 422.
    /// </summary>
    public static async Task<AgentResponse?> ReplayAsync(AgentsDbContext db, string key, string requestHash, CancellationToken cancellationToken)
    {
        var record = await db.IdempotencyRecords.AsNoTracking().FirstOrDefaultAsync(r => r.Key == key, cancellationToken);
        if (record is null)
        {
            return null;
        }

        if (record.RequestHash != requestHash)
        {
            throw new IdempotencyKeyReusedException(key);
        }

        var agent = await db.Agents.AsNoTracking().FirstOrDefaultAsync(a => a.Id == record.AgentId, cancellationToken);
        return agent?.ToResponse();
    }
}

public sealed class IdempotencyKeyReusedException(string key)
    : Exception($"The Idempotency-Key '{key}' was already used with a different request.");
