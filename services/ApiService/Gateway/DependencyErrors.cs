using AgentOrchestration.ServiceCommon;
using Yarp.ReverseProxy.Forwarder;

namespace AgentOrchestration.ApiService.Gateway;

/// <summary>
/// A proxied request whose service is down or unreachable (refused, timed out, no endpoint) leaves as the README's
/// 503 <c>dependency_unavailable</c> problem, never YARP's bare 502/503/504. Errors after the response started (a
/// stream cut in the middle) cannot change the status; the client sees the stream end and resumes.
/// </summary>
public static class DependencyErrors
{
    public static async Task InvokeAsync(HttpContext context, Func<Task> next)
    {
        await next();
        var error = context.GetForwarderErrorFeature();
        if (error is null || context.Response.HasStarted || context.RequestAborted.IsCancellationRequested || IsTheClients(error.Error))
        {
            return;
        }

        var service = context.GetReverseProxyFeature().Route.Config.ClusterId;
        context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DependencyErrors))
            .LogWarning(error.Exception, "Proxying {Path} to the {Service} service failed: {Error}", context.Request.Path, service, error.Error);
        await Problems.Unavailable("A service this request needs is unavailable.", $"The {service} service did not answer; try again shortly.")
            .ExecuteAsync(context);
    }

    /// <summary>The client's own doing (it stopped sending or went away): not the service's, so not a 503.</summary>
    private static bool IsTheClients(ForwarderError error) =>
        error is ForwarderError.RequestCanceled or ForwarderError.RequestBodyCanceled or ForwarderError.RequestBodyClient
            or ForwarderError.UpgradeRequestCanceled or ForwarderError.UpgradeRequestClient;
}
