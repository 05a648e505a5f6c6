using System.Numerics.Tensors;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace AgentOrchestration.ToolService.Search.Semantic;

public enum EmbeddingState { Disabled, Starting, Ready, Unavailable }

/// <summary>
/// The one embedding generator of the service (a singleton: the local model is loaded once), with what searches need
/// around it: its state for health and degraded answers, unit-length vectors, and a cache of query embeddings. Any
/// failure marks the generator unavailable and the search answers lexically; the indexer's next attempt that works
/// marks it ready again, so a dead endpoint costs a query at most one timeout.
/// </summary>
public sealed class ToolEmbeddings : IDisposable
{
    private readonly IEmbeddingGenerator<string, Embedding<float>>? _generator;
    private readonly EmbeddingOptions _options;
    private readonly ILogger<ToolEmbeddings> _logger;
    private readonly MemoryCache _queries = new(new MemoryCacheOptions { SizeLimit = 10_000 });
    private volatile EmbeddingState _state;
    private volatile string? _problem;

    public ToolEmbeddings(IEmbeddingGenerator<string, Embedding<float>>? generator, string? modelId, IOptions<EmbeddingOptions> options,
        ILogger<ToolEmbeddings> logger)
    {
        _generator = generator;
        _options = options.Value;
        _logger = logger;
        ModelId = modelId ?? "none";
        _state = generator is null ? EmbeddingState.Disabled : EmbeddingState.Starting;
    }

    /// <summary>Stored with every vector, so that a change of model re-embeds every tool.</summary>
    public string ModelId { get; }

    public EmbeddingState State => _state;

    /// <summary>Why the generator is unavailable (its last error), for health and logs.</summary>
    public string? Problem => _problem;

    public bool IsEnabled => _generator is not null;

    public int BatchSize => Math.Max(1, _options.BatchSize);

    public double MinSimilarity => _options.MinSimilarity;

    public double RelativeSimilarity => _options.RelativeSimilarity;

    /// <summary>Embeds tool texts for the index; throws when the generator fails (after marking it unavailable).</summary>
    public async Task<float[][]> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken)
    {
        var generator = _generator ?? throw new InvalidOperationException("Semantic search is disabled.");
        try
        {
            var embeddings = await generator.GenerateAsync(texts, cancellationToken: cancellationToken);
            if (embeddings.Count != texts.Count)
            {
                throw new InvalidOperationException($"The embedding generator returned {embeddings.Count} vectors for {texts.Count} texts.");
            }

            MarkReady();
            return embeddings.Select(e => Normalized(e.Vector.Span)).ToArray();
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            MarkUnavailable(ex);
            throw;
        }
    }

    /// <summary>The query's vector, or null when semantic search cannot answer now (disabled, unavailable, too slow).</summary>
    public async Task<float[]?> EmbedQueryAsync(string query, CancellationToken cancellationToken)
    {
        if (_generator is null || _state is not EmbeddingState.Ready)
        {
            return null;
        }

        var key = query.Trim().ToLowerInvariant();
        if (_queries.TryGetValue(key, out float[]? cached))
        {
            return cached;
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_options.QueryTimeoutMs);
        try
        {
            var embeddings = await _generator.GenerateAsync([key], cancellationToken: deadline.Token).WaitAsync(deadline.Token);
            var vector = Normalized(embeddings[0].Vector.Span);
            _queries.Set(key, vector, new MemoryCacheEntryOptions { Size = 1, SlidingExpiration = TimeSpan.FromHours(1) });
            return vector;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            MarkUnavailable(ex);
            return null;
        }
    }

    private void MarkReady()
    {
        if (_state != EmbeddingState.Ready)
        {
            _logger.LogInformation("Semantic tool search is ready ({Model})", ModelId);
        }

        _state = EmbeddingState.Ready;
        _problem = null;
    }

    private void MarkUnavailable(Exception ex)
    {
        if (_state != EmbeddingState.Unavailable)
        {
            _logger.LogWarning(ex, "Embedding generator {Model} failed; tool search answers lexically until it works again", ModelId);
        }

        _problem = ex is OperationCanceledException ? $"No embedding within {_options.QueryTimeoutMs} ms." : $"{ex.GetType().Name}: {ex.Message}";
        _state = EmbeddingState.Unavailable;
    }

    private static float[] Normalized(ReadOnlySpan<float> vector)
    {
        var result = vector.ToArray();
        var norm = TensorPrimitives.Norm(result);
        if (norm > 0)
        {
            TensorPrimitives.Divide(result, norm, result);
        }

        return result;
    }

    public void Dispose()
    {
        _queries.Dispose();
        _generator?.Dispose();
    }
}
