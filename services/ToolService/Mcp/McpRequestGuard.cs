using AgentOrchestration.ServiceCommon;

namespace AgentOrchestration.ToolService.Mcp;

/// <summary>
/// The MCP SDK reads a POST to /mcp with ReadFromJsonAsync, which throws on a body that is not JSON or is empty; the
/// request guard lets such bodies through (it inspects JSON only). Answer them here as the client's mistake.
/// </summary>
public static class McpRequestGuard
{
    public static WebApplication UseMcpRequestGuard(this WebApplication app, string path)
    {
        app.UseWhen(context => HttpMethods.IsPost(context.Request.Method) && context.Request.Path.StartsWithSegments(path), branch =>
            branch.Use(async (context, next) =>
            {
                if (!context.Request.HasJsonContentType())
                {
                    await Problems.Problem(StatusCodes.Status415UnsupportedMediaType, "unsupported_media_type",
                        "MCP messages are JSON.", "Send the JSON-RPC message with Content-Type: application/json.").ExecuteAsync(context);
                    return;
                }

                if (context.Request.ContentLength == 0)
                {
                    await Problems.Problem(StatusCodes.Status400BadRequest, Problems.MalformedJson,
                        "The request body is empty.", "Send one JSON-RPC message.").ExecuteAsync(context);
                    return;
                }

                await next(context);
            }));
        return app;
    }
}
