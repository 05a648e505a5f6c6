namespace AgentOrchestration.ToolService.Search.Semantic;

/// <summary>
/// Wake-ups between the parts of semantic search in one replica: a saved tool wakes the indexer, new vectors wake
/// the in-memory index. A signal given while nobody waits is kept (one), so none is lost between two waits.
/// </summary>
public sealed class SearchSignals
{
    public const string EmbeddingsChannel = "tool-embeddings-changed";

    private readonly SemaphoreSlim _toolsChanged = new(0, 1);
    private readonly SemaphoreSlim _embeddingsChanged = new(0, 1);

    public void ToolsChanged() => Release(_toolsChanged);

    public void EmbeddingsChanged() => Release(_embeddingsChanged);

    /// <summary>True when signalled, false when the timeout passed first.</summary>
    public Task<bool> WaitForToolsChangedAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        _toolsChanged.WaitAsync(timeout, cancellationToken);

    public Task<bool> WaitForEmbeddingsChangedAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        _embeddingsChanged.WaitAsync(timeout, cancellationToken);

    private static void Release(SemaphoreSlim signal)
    {
        try
        {
            signal.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already signalled: the waiter will look at everything that changed, this change included.
        }
    }
}
