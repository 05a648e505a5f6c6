using System.Numerics.Tensors;
using AgentOrchestration.ToolService.Infrastructure;
using AgentOrchestration.ToolService.Model;
using Microsoft.EntityFrameworkCore;

namespace AgentOrchestration.ToolService.Search.Semantic;

/// <summary>
/// This replica's in-memory copy of the tools' vectors (real[] rows of <c>tool_embeddings</c> for the current model),
/// searched exhaustively: 10,000 tools × 384 dimensions is about 15 MB and a few milliseconds per query. Refreshed
/// by <see cref="ToolVectorIndexRefresher"/>. Entries carry the tool's name, kind and tags as they were when embedded,
/// to filter before ranking; the search still checks the filters on the tools' current rows.
/// </summary>
public sealed class ToolVectorIndex(ToolEmbeddings embeddings)
{
    public sealed record Entry(Guid Id, string Name, ToolKind Kind, string[] Tags, float[] Vector, DateTimeOffset EmbeddedAt);

    /// <summary>Rows written this long before the newest one seen are read again: a transaction that committed late may
    /// have written them with an earlier time.</summary>
    private static readonly TimeSpan Overlap = TimeSpan.FromSeconds(10);

    private readonly Lock _writeLock = new();
    private Dictionary<Guid, Entry> _entries = [];
    private Entry[] _snapshot = [];
    private DateTimeOffset _watermark = DateTimeOffset.MinValue;

    public int Count => _snapshot.Length;

    /// <summary>Loads the rows written since the last refresh, or all of them (which also forgets deleted tools).</summary>
    public async Task<int> RefreshAsync(ToolsDbContext db, bool full, CancellationToken cancellationToken)
    {
        var since = full || _watermark == DateTimeOffset.MinValue ? DateTimeOffset.MinValue : _watermark - Overlap;
        var model = embeddings.ModelId;
        var rows = await (
                from e in db.ToolEmbeddings.AsNoTracking()
                join t in db.Tools.AsNoTracking() on e.ToolId equals t.Id
                where e.Model == model && e.EmbeddedAt > since
                select new { e.ToolId, t.Name, t.Kind, t.Tags, e.Vector, e.EmbeddedAt })
            .ToListAsync(cancellationToken);

        lock (_writeLock)
        {
            var entries = full ? new Dictionary<Guid, Entry>(rows.Count) : new Dictionary<Guid, Entry>(_entries);
            foreach (var row in rows)
            {
                entries[row.ToolId] = new Entry(row.ToolId, row.Name, row.Kind, [.. row.Tags], row.Vector, row.EmbeddedAt);
            }

            if (rows.Count > 0)
            {
                _watermark = rows.Max(r => r.EmbeddedAt);
            }

            _entries = entries;
            _snapshot = [.. entries.Values];
        }

        return rows.Count;
    }

    /// <summary>The tools most similar to the query vector (both unit length), at least <paramref name="minSimilarity"/>.</summary>
    public IReadOnlyList<(Guid Id, double Similarity)> Nearest(float[] query, ToolQuery filter, int count, double minSimilarity)
    {
        var names = filter.Names is { } list ? new HashSet<string>(list, StringComparer.Ordinal) : null;
        var best = new PriorityQueue<(Guid Id, double Similarity), double>(count + 1);
        foreach (var entry in _snapshot)
        {
            if (entry.Vector.Length != query.Length
                || (names is not null && !names.Contains(entry.Name))
                || (filter.Kind is { } kind && entry.Kind != kind)
                || (filter.Tag is { } tag && !entry.Tags.Contains(tag)))
            {
                continue;
            }

            double similarity = TensorPrimitives.Dot(entry.Vector, query);
            if (similarity < minSimilarity)
            {
                continue;
            }

            best.Enqueue((entry.Id, similarity), similarity);
            if (best.Count > count)
            {
                best.Dequeue();
            }
        }

        var result = new List<(Guid Id, double Similarity)>(best.Count);
        while (best.TryDequeue(out var hit, out _))
        {
            result.Add(hit);
        }

        result.Reverse();
        return result;
    }
}
