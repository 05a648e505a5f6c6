using System.Text.Json;
using System.Text.Json.Nodes;
using AgentOrchestration.ServiceCommon.Contracts;
using AgentOrchestration.ToolService.Infrastructure;
using AgentOrchestration.ToolService.Invocation;
using AgentOrchestration.ToolService.Model;
using Tool = AgentOrchestration.ToolService.Model.Tool;
using Microsoft.EntityFrameworkCore;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace AgentOrchestration.ToolService.Mcp;

/// <summary>
/// Calls a tool of an MCP source with tools/call: over the source's shared session when nobody listens to the call,
/// else over a session leased for the call alone, so the server's progress and log messages reach the listener.
/// </summary>
public sealed class McpToolExecutor(McpClientPool pool, IServiceScopeFactory scopes)
{
    /// <param name="onUpdate">Receives the call's progress and log lines (never its result), in the server's order.</param>
    public async Task<JsonNode?> ExecuteAsync(Tool tool, JsonElement args, Action<InvocationLine>? onUpdate, CancellationToken cancellationToken)
    {
        var config = tool.Config?.Deserialize<McpToolConfig>(JsonSerializerOptions.Web)
            ?? throw new ToolFailureException($"Tool '{tool.Name}' has no MCP target.");
        var url = await SourceUrlAsync(config.Source, cancellationToken)
            ?? throw new ToolFailureException($"The tool source '{config.Source}' no longer exists.");

        var arguments = args.ValueKind == JsonValueKind.Object
            ? args.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone())
            : new Dictionary<string, JsonElement>();

        CallToolResult result;
        try
        {
            result = onUpdate is null
                ? await CallAsync(await pool.GetAsync(config.Source, url, cancellationToken), config.RemoteName, arguments, progress: false, cancellationToken)
                : await CallObservedAsync(config, url, arguments, onUpdate, cancellationToken);
        }
        catch (Exception ex) when (OutboundHttp.Blocked(ex) is { } blocked)
        {
            throw new ToolFailureException(blocked.Message, OutboundBlockedException.Code);
        }
        catch (Exception ex) when (ex is HttpRequestException or McpException or IOException or ObjectDisposedException)
        {
            // The sessions may be gone (server restarted): the next call reconnects. Only a request that never left may be
            // repeated: a tools/call the server received may have acted.
            await pool.ResetAsync(config.Source);
            var unsent = ex is HttpRequestException http && OutboundErrors.BeforeSending(http);
            throw new TransientToolException($"The MCP source '{config.Source}' failed: {McpSourceSynchronizer.Describe(ex, url)}", ex, sent: !unsent);
        }

        if (result.IsError == true)
        {
            throw new ToolFailureException(TextOf(result) ?? "The MCP tool reported an error.");
        }

        return OutputOf(result);
    }

    /// <summary>
    /// tools/call, with the result read through <see cref="McpJsonUtilities.DefaultOptions"/>. The SDK's own
    /// CallToolAsync reads it with its source-generated context, whose ContentBlock converter throws on any content
    /// carrying <c>annotations</c> (SDK 2.4.0); the default options resolve the nested types correctly.
    /// </summary>
    private static async Task<CallToolResult> CallAsync(McpClient client, string remoteName, Dictionary<string, JsonElement> arguments,
        bool progress, CancellationToken cancellationToken)
    {
        var parameters = new CallToolRequestParams
        {
            Name = remoteName,
            Arguments = arguments,
            // A progress token is what makes the server send progress; the lines come from the session's observer.
            Meta = progress ? new JsonObject { ["progressToken"] = Guid.NewGuid().ToString("N") } : null,
        };
        return await client.SendRequestAsync<CallToolRequestParams, CallToolResult>(
            RequestMethods.ToolsCall, parameters, McpJsonUtilities.DefaultOptions, cancellationToken: cancellationToken);
    }

    private async Task<CallToolResult> CallObservedAsync(McpToolConfig config, string url, Dictionary<string, JsonElement> arguments,
        Action<InvocationLine> onUpdate, CancellationToken cancellationToken)
    {
        var session = await pool.LeaseAsync(config.Source, url, cancellationToken);
        var reusable = false;
        try
        {
            session.Attach(onUpdate);
            // The call carries a progress token, which is what makes the server send progress; the lines themselves come
            // from the session's observer, in order with the log messages.
            var result = await CallAsync(session.Client, config.RemoteName, arguments, progress: true, cancellationToken);
            reusable = true;
            return result;
        }
        finally
        {
            await pool.ReturnAsync(session, reusable);
        }
    }

    /// <summary>Structured content when the tool gives it; else its text (parsed when it is JSON); else the content blocks.</summary>
    private static JsonNode? OutputOf(CallToolResult result)
    {
        if (result.StructuredContent is { } structured)
        {
            return JsonNode.Parse(JsonSerializer.Serialize(structured, McpJsonUtilities.DefaultOptions));
        }

        if (result.Content is [TextContentBlock single])
        {
            try
            {
                return JsonNode.Parse(single.Text);
            }
            catch (JsonException)
            {
                return new JsonObject { ["text"] = single.Text };
            }
        }

        return JsonNode.Parse(JsonSerializer.Serialize(result.Content, McpJsonUtilities.DefaultOptions));
    }

    private static string? TextOf(CallToolResult result) =>
        string.Join("\n", result.Content.OfType<TextContentBlock>().Select(t => t.Text)) is { Length: > 0 } text ? text : null;

    private async Task<string?> SourceUrlAsync(string source, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ToolsDbContext>();
        return await db.ToolSources.Where(s => s.Name == source).Select(s => s.Url).FirstOrDefaultAsync(cancellationToken);
    }
}
