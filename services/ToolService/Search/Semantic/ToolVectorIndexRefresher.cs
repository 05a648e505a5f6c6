using AgentOrchestration.ServiceCommon;
using AgentOrchestration.ToolService.Infrastructure;
using StackExchange.Redis;

namespace AgentOrchestration.ToolService.Search.Semantic;

/// <summary>
/// Keeps this replica's <see cref="ToolVectorIndex"/> fresh: at once when this replica's indexer wrote vectors, when
/// another replica announces it did (Redis channel <see cref="SearchSignals.EmbeddingsChannel"/>), and every few
/// seconds in case a notice was lost; a full reload now and then forgets deleted tools.
/// </summary>
public sealed class ToolVectorIndexRefresher(
    ToolVectorIndex index, ToolEmbeddings embeddings, SearchSignals signals, IServiceScopeFactory scopes,
    IConnectionMultiplexer redis, ILogger<ToolVectorIndexRefresher> logger) : BackgroundService
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan FullReloadInterval = TimeSpan.FromMinutes(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!embeddings.IsEnabled)
        {
            return;
        }

        await SubscribeAsync();
        var lastFull = DateTimeOffset.MinValue;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var full = DateTimeOffset.UtcNow - lastFull > FullReloadInterval;
                await using (var scope = scopes.CreateAsyncScope())
                {
                    await index.RefreshAsync(scope.ServiceProvider.GetRequiredService<ToolsDbContext>(), full, stoppingToken);
                }

                if (full)
                {
                    lastFull = DateTimeOffset.UtcNow;
                }

                await signals.WaitForEmbeddingsChangedAsync(PollInterval, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // Postgres away for a moment: searches use what the index holds, and the next round tries again.
                logger.LogWarning(ex, "Could not refresh the tool vector index");
                await Task.Delay(PollInterval, stoppingToken);
            }
        }
    }

    private Task SubscribeAsync() => redis.ListenAsync(SearchSignals.EmbeddingsChannel, _ => signals.EmbeddingsChanged(), logger,
        $"the vector index refreshes every {PollInterval.TotalSeconds} s");
}
