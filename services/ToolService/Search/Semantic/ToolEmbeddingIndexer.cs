using AgentOrchestration.ServiceCommon;
using AgentOrchestration.ToolService.Infrastructure;
using Microsoft.EntityFrameworkCore;
using StackExchange.Redis;

namespace AgentOrchestration.ToolService.Search.Semantic;

/// <summary>
/// Embeds every tool whose vector is missing, stale (the tool changed since) or made by another model, in batches,
/// in the background: woken by a saved tool (<see cref="ToolChangeInterceptor"/>) and every few seconds for changes
/// that other replicas saved. Its first batch loads the local model, at start-up rather than in a request. When the
/// generator fails the search answers lexically and the indexer tries again later.
/// </summary>
public sealed class ToolEmbeddingIndexer(
    ToolEmbeddings embeddings, SearchSignals signals, IServiceScopeFactory scopes, IConnectionMultiplexer redis,
    TimeProvider clock, ILogger<ToolEmbeddingIndexer> logger) : BackgroundService
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!embeddings.IsEnabled)
        {
            return;
        }

        // Let the migration and the builtin seeder finish first; their save wakes us anyway.
        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            var wait = PollInterval;
            try
            {
                await IndexPendingAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Embedding tools failed; trying again in {Seconds} s", RetryInterval.TotalSeconds);
                wait = RetryInterval;
            }

            await signals.WaitForToolsChangedAsync(wait, stoppingToken);
        }
    }

    /// <summary>Embeds batches until no tool is pending. Returns how many tools it embedded.</summary>
    internal async Task<int> IndexPendingAsync(CancellationToken cancellationToken)
    {
        var done = new HashSet<Guid>();
        while (true)
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<ToolsDbContext>();
            var model = embeddings.ModelId;
            var pending = await db.Tools.AsNoTracking()
                .Where(t => !db.ToolEmbeddings.Any(e => e.ToolId == t.Id && e.Model == model && e.ToolUpdatedAt == t.UpdatedAt))
                .OrderBy(t => t.Id)
                .Take(embeddings.BatchSize)
                .ToListAsync(cancellationToken);
            if (pending.Count == 0)
            {
                return done.Count;
            }

            // A tool embedded in this pass that is pending again changed meanwhile: the next wake-up takes it, so a
            // row that somehow never matches cannot keep this loop going.
            if (pending.Any(t => done.Contains(t.Id)))
            {
                return done.Count;
            }

            var vectors = await embeddings.EmbedAsync(pending.Select(ToolEmbeddingText.For).ToList(), cancellationToken);
            await WriteAsync(db, pending, vectors, model, cancellationToken);
            done.UnionWith(pending.Select(t => t.Id));
            signals.EmbeddingsChanged();
            await AnnounceAsync();
        }
    }

    /// <summary>Upserts one batch in one transaction; a tool deleted since it was read gets no row.</summary>
    private async Task WriteAsync(ToolsDbContext db, List<Model.Tool> tools, float[][] vectors, string model, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        for (var i = 0; i < tools.Count; i++)
        {
            var tool = tools[i];
            await db.Database.ExecuteSqlAsync($"""
                INSERT INTO tool_embeddings (tool_id, model, vector, tool_updated_at, embedded_at)
                SELECT {tool.Id}, {model}, {vectors[i]}, {tool.UpdatedAt}, {now}
                WHERE EXISTS (SELECT 1 FROM tools WHERE id = {tool.Id})
                ON CONFLICT (tool_id) DO UPDATE SET model = EXCLUDED.model, vector = EXCLUDED.vector,
                    tool_updated_at = EXCLUDED.tool_updated_at, embedded_at = EXCLUDED.embedded_at
                """, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Tells the other replicas to refresh their index; they also poll, so an outage of Redis only delays it.</summary>
    private async Task AnnounceAsync()
    {
        try
        {
            if (redis.IsConnected)
            {
                await redis.GetSubscriber().PublishAsync(RedisChannel.Literal(SearchSignals.EmbeddingsChannel), embeddings.ModelId);
            }
        }
        catch (Exception ex) when (BestEffortRedis.IsOutage(ex))
        {
            logger.LogDebug(ex, "Could not announce new tool embeddings");
        }
    }
}
