using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AgentOrchestration.ServiceCommon.Security;

/// <summary>
/// The app's internal credential (<c>Security:InternalKey</c>, an AppHost secret): internal services answer only
/// requests that carry it, and every internal HTTP client sends it. Health probes stay open for the orchestrator.
/// </summary>
public static class InternalCredential
{
    public const string ConfigKey = "Security:InternalKey";

    public static WebApplication UseInternalCredential(this WebApplication app)
    {
        var expected = app.Configuration[ConfigKey];
        if (string.IsNullOrEmpty(expected))
        {
            // Stand-alone runs (a service's own tests, a debugger without the AppHost) have no credential to check.
            app.Logger.LogWarning("{Setting} is not set: this service accepts calls without the internal credential", ConfigKey);
            return app;
        }

        var expectedHash = SHA256.HashData(Encoding.UTF8.GetBytes(expected));
        app.Use(async (context, next) =>
        {
            if (IsProbe(context.Request.Path) || Matches(context.Request.Headers[InternalHeaders.Credential], expectedHash))
            {
                await next(context);
                return;
            }

            await Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Internal service",
                detail: "This service is internal to the app; call it through the public API.",
                type: "/problems/internal_only", extensions: new Dictionary<string, object?> { ["code"] = "internal_only" })
                .ExecuteAsync(context);
        });
        return app;
    }

    /// <summary>Sends the internal credential on this client's requests (only clients that call the app's own services).</summary>
    public static IHttpClientBuilder AddInternalCredential(this IHttpClientBuilder builder) =>
        builder.AddHttpMessageHandler(services => new CredentialHandler(services.GetRequiredService<IConfiguration>()[ConfigKey]));

    private static bool IsProbe(PathString path) => path.StartsWithSegments("/health") || path.StartsWithSegments("/alive");

    private static bool Matches(string? presented, byte[] expectedHash) =>
        presented is not null && CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(presented)), expectedHash);

    private sealed class CredentialHandler(string? credential) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (!string.IsNullOrEmpty(credential))
            {
                request.Headers.Remove(InternalHeaders.Credential);
                request.Headers.TryAddWithoutValidation(InternalHeaders.Credential, credential);
            }

            return base.SendAsync(request, cancellationToken);
        }
    }
}
