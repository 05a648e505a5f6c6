using System.Text.Json;
using AgentOrchestration.ToolService.Builtins;
using AgentOrchestration.ToolService.Infrastructure;
using AgentOrchestration.ToolService.Model;
using Microsoft.EntityFrameworkCore;

namespace AgentOrchestration.ToolService.Services;

/// <summary>
/// Registers the builtin tools at start-up (after the migration, which is registered first), updating their
/// description and schemas when a new version of the service changes them.
/// </summary>
public sealed class BuiltinToolSeeder(IServiceProvider services, TimeProvider clock) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ToolsDbContext>();
        var names = BuiltinCatalog.All.Select(b => b.Name).ToList();
        var existing = await db.Tools.Where(t => names.Contains(t.Name)).ToDictionaryAsync(t => t.Name, cancellationToken);
        var now = clock.GetUtcNow();

        foreach (var builtin in BuiltinCatalog.All)
        {
            if (!existing.TryGetValue(builtin.Name, out var tool))
            {
                tool = new Tool
                {
                    Id = Guid.CreateVersion7(now), Name = builtin.Name, InputSchema = JsonDocument.Parse(builtin.InputSchema),
                    CreatedAt = now, TimeoutMs = builtin.TimeoutMs,
                };
                db.Tools.Add(tool);
            }

            // Raised, never lowered: an admin may have given a builtin more time, and rows seeded by an older version
            // kept the 30 s default that made a long sleep fail.
            tool.TimeoutMs = Math.Max(tool.TimeoutMs, builtin.TimeoutMs);

            tool.Kind = ToolKind.Builtin;
            tool.Description = builtin.Description;
            tool.Enabled = true;
            tool.Tags = [.. builtin.Tags];
            tool.InputSchema = JsonDocument.Parse(builtin.InputSchema);
            tool.OutputSchema = JsonDocument.Parse(builtin.OutputSchema);
            tool.UpdatedAt = now;
            tool.RefreshSearchText();
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Another replica seeded the same rows at the same moment; its rows are the same as ours.
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
