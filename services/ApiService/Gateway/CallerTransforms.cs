using AgentOrchestration.ApiService.Security;
using AgentOrchestration.ServiceCommon.Security;
using Microsoft.Net.Http.Headers;
using Yarp.ReverseProxy.Transforms;
using Yarp.ReverseProxy.Transforms.Builder;

namespace AgentOrchestration.ApiService.Gateway;

/// <summary>
/// What every proxied request carries inward: the app's internal credential and who the caller is, in headers only
/// the gateway sets (a client's own copies are dropped). The public key itself goes no further than the gateway.
/// </summary>
public static class CallerTransforms
{
    public static void Add(TransformBuilderContext context, string? internalCredential)
    {
        context.AddRequestTransform(transform =>
        {
            var headers = transform.ProxyRequest.Headers;
            headers.Remove(HeaderNames.Authorization);
            headers.Remove(ApiKeyAuthentication.ApiKeyHeader);
            headers.Remove(InternalHeaders.Credential);
            if (!string.IsNullOrEmpty(internalCredential))
            {
                headers.TryAddWithoutValidation(InternalHeaders.Credential, internalCredential);
            }

            InternalHeaders.SetCaller(headers, transform.HttpContext.User.ToCaller());
            return ValueTask.CompletedTask;
        });
    }
}
