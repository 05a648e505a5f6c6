using System.Text.Json;
using System.Text.Json.Nodes;
using AgentOrchestration.ServiceCommon.Contracts;
using AgentOrchestration.ToolService.Infrastructure;
using AgentOrchestration.ToolService.Invocation;
using AgentOrchestration.ToolService.Model;
using Tool = AgentOrchestration.ToolService.Model.Tool;
using Microsoft.EntityFrameworkCore;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;

namespace AgentOrchestration.ToolService.Mcp;

/// <summary>Calls a tool of an MCP source with tools/call over the source's shared session.</summary>
public sealed class McpToolExecutor(McpClientPool pool, IServiceScopeFactory scopes)
{
    public async Task<JsonNode?> ExecuteAsync(Tool tool, JsonElement args, Action<ToolProgress>? onProgress, CancellationToken cancellationToken)
    {
        var config = tool.Config?.Deserialize<McpToolConfig>(JsonSerializerOptions.Web)
            ?? throw new ToolFailureException($"Tool '{tool.Name}' has no MCP target.");
        var url = await SourceUrlAsync(config.Source, cancellationToken)
            ?? throw new ToolFailureException($"The tool source '{config.Source}' no longer exists.");

        var arguments = args.ValueKind == JsonValueKind.Object
            ? args.EnumerateObject().ToDictionary(p => p.Name, p => (object?)p.Value.Clone())
            : new Dictionary<string, object?>();

        CallToolResult result;
        try
        {
            var client = await pool.GetAsync(config.Source, url, cancellationToken);
            // Asking for progress gives the call a progress token; the server's notifications then reach the caller.
            var progress = onProgress is null ? null : new ProgressCallback(v => onProgress(new ToolProgress(v.Progress, v.Total, v.Message)));
            result = await client.CallToolAsync(config.RemoteName, arguments, progress, cancellationToken: cancellationToken);
        }
        catch (Exception ex) when (OutboundHttp.Blocked(ex) is { } blocked)
        {
            throw new ToolFailureException(blocked.Message, OutboundBlockedException.Code);
        }
        catch (Exception ex) when (ex is HttpRequestException or McpException or IOException or ObjectDisposedException)
        {
            // The session may be gone (server restarted): reconnect on the retry.
            await pool.ResetAsync(config.Source);
            throw new TransientToolException($"The MCP source '{config.Source}' failed: {ex.Message}", ex);
        }

        if (result.IsError == true)
        {
            throw new ToolFailureException(TextOf(result) ?? "The MCP tool reported an error.");
        }

        return OutputOf(result);
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

/// <summary>Reports progress synchronously, in the order the notifications arrive (unlike Progress&lt;T&gt;).</summary>
internal sealed class ProgressCallback(Action<ProgressNotificationValue> report) : IProgress<ProgressNotificationValue>
{
    public void Report(ProgressNotificationValue value) => report(value);
}
