using System.Text.Json;
using System.Text.RegularExpressions;
using AgentOrchestration.ServiceCommon;
using AgentOrchestration.ToolService.Apis;
using AgentOrchestration.ToolService.Infrastructure;
using AgentOrchestration.ToolService.Invocation;
using AgentOrchestration.ToolService.Model;
using Microsoft.EntityFrameworkCore;
using ModelContextProtocol;

namespace AgentOrchestration.ToolService.Mcp;

/// <summary>
/// Mirrors an MCP source's tools/list (every page) into the registry as "&lt;source&gt;.&lt;tool&gt;": new tools are
/// added, changed ones updated, and tools the server no longer lists are disabled (not deleted, so history and
/// agents' lists keep their names).
/// </summary>
public sealed partial class McpSourceSynchronizer(
    McpClientPool pool, IServiceScopeFactory scopes, TimeProvider clock, ILogger<McpSourceSynchronizer> logger)
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_-]{0,62}\\z")]
    private static partial Regex RemoteNamePattern();

    public async Task<SyncResult> SyncAsync(string sourceName, CancellationToken cancellationToken)
    {
        // One sync at a time: a list_changed notice arriving during a manual sync must not race it.
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<ToolsDbContext>();
            var source = await db.ToolSources.FirstOrDefaultAsync(s => s.Name == sourceName, cancellationToken)
                ?? throw new KeyNotFoundException(sourceName);
            try
            {
                return await SyncCoreAsync(db, source, cancellationToken);
            }
            catch (Exception ex) when (ex is HttpRequestException or McpException or TimeoutException or IOException or OperationCanceledException
                                       && !cancellationToken.IsCancellationRequested)
            {
                var reason = Describe(ex, source.Url);
                await pool.ResetAsync(sourceName);
                db.ChangeTracker.Clear();
                source = await db.ToolSources.FirstAsync(s => s.Name == sourceName, CancellationToken.None);
                source.LastSyncError = reason;
                await db.SaveChangesAsync(CancellationToken.None);
                throw new McpSourceUnreachableException(sourceName, reason, ex);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<SyncResult> SyncCoreAsync(ToolsDbContext db, ToolSource source, CancellationToken cancellationToken)
    {
        var client = await pool.GetAsync(source.Name, source.Url, cancellationToken);
        var remoteTools = await client.ListToolsAsync(cancellationToken: cancellationToken);
        var existing = await db.Tools.Where(t => t.SourceName == source.Name).ToDictionaryAsync(t => t.Name, cancellationToken);
        var now = clock.GetUtcNow();
        List<string> added = [], updated = [], disabled = [];
        List<SkippedTool> skipped = [];
        var accepted = new HashSet<string>(StringComparer.Ordinal);

        foreach (var remote in remoteTools)
        {
            // Everything a server says is checked before anything is written: one bad tool is skipped with its reason,
            // and the source still syncs its other tools.
            if (Unusable(remote.ProtocolTool) is { } reason)
            {
                var shown = StorableJson.Clean(remote.Name.Length > 100 ? remote.Name[..100] + "…" : remote.Name);
                logger.LogWarning("Skipping MCP tool {Tool} of {Source}: {Reason}", shown, source.Name, reason);
                skipped.Add(new SkippedTool(shown, reason));
                continue;
            }

            if (!accepted.Add(remote.Name))
            {
                skipped.Add(new SkippedTool(remote.Name, "The server lists a tool of this name more than once; the first is registered."));
                continue;
            }

            var name = $"{source.Name}.{remote.Name}";
            if (!existing.TryGetValue(name, out var tool))
            {
                if (await db.Tools.AnyAsync(t => t.Name == name, cancellationToken))
                {
                    logger.LogWarning("Skipping MCP tool {Tool}: another tool already has that name", name);
                    accepted.Remove(remote.Name);
                    skipped.Add(new SkippedTool(remote.Name, $"Another tool is already named '{name}'."));
                    continue;
                }

                tool = new Tool { Id = Guid.CreateVersion7(now), Name = name, InputSchema = JsonDocument.Parse("{}"), CreatedAt = now };
                db.Tools.Add(tool);
                added.Add(name);
            }
            else if (!Same(tool, remote.ProtocolTool))
            {
                updated.Add(name);
            }
            else if (tool.Enabled)
            {
                continue;
            }
            else
            {
                updated.Add(name);
            }

            tool.Kind = ToolKind.Mcp;
            tool.SourceName = source.Name;
            tool.Description = remote.Description ?? "";
            tool.InputSchema = JsonDocument.Parse(remote.ProtocolTool.InputSchema.GetRawText());
            tool.OutputSchema = remote.ProtocolTool.OutputSchema is { } output ? JsonDocument.Parse(output.GetRawText()) : null;
            tool.Config = JsonSerializer.SerializeToDocument(new McpToolConfig(source.Name, remote.Name), JsonSerializerOptions.Web);
            tool.Tags = ["mcp", source.Name];
            tool.Enabled = true;
            tool.UpdatedAt = now;
            tool.RefreshSearchText();
        }

        var listed = accepted.Select(t => $"{source.Name}.{t}").ToHashSet();
        foreach (var stale in existing.Values.Where(t => t.Enabled && !listed.Contains(t.Name)))
        {
            stale.Enabled = false;
            stale.UpdatedAt = now;
            disabled.Add(stale.Name);
        }

        source.LastSyncAt = now;
        source.LastSyncError = null;
        source.ToolCount = listed.Count;
        await db.SaveChangesAsync(cancellationToken);
        logger.LogInformation("Synced MCP source {Source}: {Added} added, {Updated} updated, {Disabled} disabled",
            source.Name, added.Count, updated.Count, disabled.Count);
        return new SyncResult(source.Name, added, updated, disabled, skipped);
    }

    /// <summary>
    /// Why a source failed, for its status and the caller: the policy's refusal, or the kind of connection failure with
    /// the host the caller gave (never the addresses it resolved to here), or the server's own message.
    /// </summary>
    internal static string Describe(Exception exception, string url)
    {
        if (OutboundHttp.Blocked(exception) is { } blocked)
        {
            return blocked.Message;
        }

        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is HttpRequestException http && http.HttpRequestError != HttpRequestError.Unknown)
            {
                return OutboundErrors.Describe(http, new Uri(url));
            }
        }

        var message = StorableJson.Clean(exception.Message);
        return message.Length <= 500 ? message : message[..500] + "…";
    }

    /// <summary>Why a tool of the server cannot be registered, or null when it can.</summary>
    private static string? Unusable(ModelContextProtocol.Protocol.Tool remote)
    {
        if (!StorableJson.IsStorable(remote.Name) || !RemoteNamePattern().IsMatch(remote.Name))
        {
            return "Its name cannot form a registry name: 1 to 63 letters, digits, '_' and '-', starting with a letter or digit.";
        }

        var description = remote.Description ?? "";
        if (description.Length > ToolRules.MaxDescriptionLength)
        {
            return $"Its description is {description.Length} characters long; at most {ToolRules.MaxDescriptionLength} are allowed.";
        }

        if (!StorableJson.IsStorable(description))
        {
            return $"Its description cannot be stored. {StorableJson.Rule}";
        }

        var errors = ToolSchemas.Check(remote.InputSchema, "/inputSchema");
        if (remote.OutputSchema is { } output)
        {
            foreach (var (pointer, messages) in ToolSchemas.Check(output, "/outputSchema"))
            {
                errors[pointer] = messages;
            }
        }

        return errors.Count == 0
            ? null
            : "Its schema cannot be used: " + string.Join("; ", errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}"));
    }

    private static bool Same(Tool tool, ModelContextProtocol.Protocol.Tool remote) =>
        tool.Description == (remote.Description ?? "")
        && tool.InputSchema.RootElement.GetRawText() == remote.InputSchema.GetRawText();
}

public sealed class McpSourceUnreachableException(string source, string reason, Exception inner)
    : Exception($"The MCP source '{source}' could not be reached or listed: {reason}", inner)
{
    public string SourceName { get; } = source;
}
