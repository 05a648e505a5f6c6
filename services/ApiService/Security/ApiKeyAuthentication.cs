using System.Text.Encodings.Web;
using AgentOrchestration.ApiService.Services;
using AgentOrchestration.ServiceCommon;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace AgentOrchestration.ApiService.Security;

/// <summary>
/// The one authentication scheme of the public API: a key in <c>Authorization: Bearer</c> or <c>X-Api-Key</c>.
/// Missing or unknown keys are challenged with 401 and <c>WWW-Authenticate</c>; a known key without the right gets 403;
/// both as problem details. When the key store cannot answer, the challenge is a 503 rather than a misleading 401.
/// </summary>
public sealed class ApiKeyAuthentication(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, KeyResolver resolver)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string ApiKeyHeader = "X-Api-Key";
    private const string Realm = "Bearer realm=\"agent-orchestration\"";
    private const string UnavailableItem = "auth:unavailable";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (ReadKey(Request) is not { } key)
        {
            return AuthenticateResult.NoResult();
        }

        try
        {
            return await resolver.ResolveAsync(key, Context.RequestServices.GetRequiredService<AgentServiceClient>(), Context.RequestAborted) is { } principal
                ? AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName))
                : AuthenticateResult.Fail("Unknown API key.");
        }
        catch (HttpRequestException ex)
        {
            Logger.LogWarning(ex, "The AgentService could not resolve an API key");
            Context.Items[UnavailableItem] = true;
            return AuthenticateResult.Fail("The key store is unavailable.");
        }
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (Context.Items.ContainsKey(UnavailableItem))
        {
            Response.Headers.RetryAfter = "5";
            return Problems.Problem(StatusCodes.Status503ServiceUnavailable, "dependency_unavailable",
                "Keys cannot be checked right now.", "The AgentService, which holds API keys, did not answer. Retry shortly.")
                .ExecuteAsync(Context);
        }

        Response.Headers.WWWAuthenticate = ReadKey(Request) is null ? Realm : $"{Realm}, error=\"invalid_token\"";
        return Problems.Problem(StatusCodes.Status401Unauthorized, "unauthorized", "An API key is required.",
            $"Send a valid key as 'Authorization: Bearer <key>' or '{ApiKeyHeader}: <key>'.").ExecuteAsync(Context);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        Problems.Problem(StatusCodes.Status403Forbidden, "forbidden", "This key may not do that.",
            $"The key's role is '{Context.User.FindFirst(CallerClaims.Role)?.Value}'.").ExecuteAsync(Context);

    public static string? ReadKey(HttpRequest request)
    {
        var authorization = request.Headers[HeaderNames.Authorization].ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && authorization.Length > 7)
        {
            return authorization[7..].Trim();
        }

        return request.Headers[ApiKeyHeader].FirstOrDefault() is { Length: > 0 } key ? key.Trim() : null;
    }
}
