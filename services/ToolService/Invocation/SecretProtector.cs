using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;

namespace AgentOrchestration.ToolService.Invocation;

/// <summary>
/// Encrypts tool secrets (HTTP headers) at rest with ASP.NET Data Protection. The key ring lives in Redis, so
/// every replica can read what another wrote.
/// </summary>
public sealed class SecretProtector(IDataProtectionProvider provider)
{
    private readonly IDataProtector _protector = provider.CreateProtector("AgentOrchestration.ToolService.ToolSecrets.v1");

    public string? Protect(IReadOnlyDictionary<string, string>? headers) =>
        headers is { Count: > 0 } ? _protector.Protect(JsonSerializer.Serialize(headers)) : null;

    public IReadOnlyDictionary<string, string> Unprotect(string? protectedHeaders) =>
        protectedHeaders is null
            ? new Dictionary<string, string>()
            : JsonSerializer.Deserialize<Dictionary<string, string>>(_protector.Unprotect(protectedHeaders)) ?? [];
}
