using AgentOrchestration.ToolService.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace AgentOrchestration.ToolService.Search.Semantic;

/// <summary>
/// Wakes the embedding indexer after any save that added or changed a tool, whichever code path saved it (the API,
/// an MCP sync, the builtin seeder), so a new tool is searchable by meaning within moments, off the request path.
/// </summary>
public sealed class ToolChangeInterceptor(SearchSignals signals) : SaveChangesInterceptor
{
    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(
        DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is { } context
            && context.ChangeTracker.Entries<Tool>().Any(e => e.State is EntityState.Added or EntityState.Modified))
        {
            _pending.AddOrUpdate(context, Marker);
        }

        return base.SavingChangesAsync(eventData, result, cancellationToken);
    }

    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is { } context && _pending.Remove(context))
        {
            signals.ToolsChanged();
        }

        return base.SavedChangesAsync(eventData, result, cancellationToken);
    }

    // The interceptor is shared by every context: which of them are saving tools, until their save completes.
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<DbContext, object> _pending = new();
    private static readonly object Marker = new();
}
