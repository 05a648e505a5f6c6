using AgentOrchestration.ToolService.Infrastructure;
using AgentOrchestration.ToolService.Search.Semantic;
using Microsoft.EntityFrameworkCore;

namespace AgentOrchestration.ToolService.Search;

/// <summary>
/// Tool search by words and by meaning. Lexical hits come from <see cref="LexicalSearch"/> (typo-tolerant full text),
/// semantic hits from the replica's <see cref="ToolVectorIndex"/> (the query's embedding against every tool's); hybrid
/// fuses the two rankings by reciprocal rank fusion, score = Σ 1 / (<see cref="RrfK"/> + rank), so a tool both find
/// rises and neither signal's scale matters. The filters apply to both before ranking. When no embedding can be had
/// for the query, the answer is lexical and says it is degraded.
/// </summary>
public sealed class ToolSearch(ToolsDbContext db, LexicalSearch lexical, ToolEmbeddings embeddings, ToolVectorIndex index)
{
    /// <summary>The usual constant of reciprocal rank fusion: damps the difference between the first few ranks.</summary>
    public const int RrfK = 60;

    /// <summary>How deep each ranking is read before fusing.</summary>
    public const int MinDepth = 50;

    public async Task<ToolSearchResult> FindAsync(ToolQuery query, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(query.Text))
        {
            var tools = await Filtered(query).OrderBy(t => t.Name).Take(query.Limit).ToListAsync(cancellationToken);
            return new ToolSearchResult(tools.Select(t => new ToolHit(t, null)).ToList(), query.Mode, Degraded: false);
        }

        var depth = Math.Max(query.Limit, MinDepth);
        var vector = query.Mode == SearchMode.Lexical ? null : await embeddings.EmbedQueryAsync(query.Text, cancellationToken);
        var mode = vector is null ? SearchMode.Lexical : query.Mode;
        var degraded = vector is null && query.Mode != SearchMode.Lexical;

        var words = mode == SearchMode.Semantic ? []
            : await lexical.FindAsync(query.Text, query, depth, orAnyWord: mode == SearchMode.Lexical, cancellationToken);
        var meanings = vector is null ? [] : Relevant(index.Nearest(vector, query, depth, embeddings.MinSimilarity));

        var fused = new Dictionary<Guid, (double Score, List<string> Matched, double? Similarity)>();
        for (var rank = 0; rank < words.Count; rank++)
        {
            var score = mode == SearchMode.Lexical ? words[rank].Score : 1.0 / (RrfK + rank + 1);
            fused[words[rank].Id] = (score, [SearchSignal.Lexical], null);
        }

        for (var rank = 0; rank < meanings.Count; rank++)
        {
            var (id, similarity) = meanings[rank];
            var score = mode == SearchMode.Semantic ? similarity : 1.0 / (RrfK + rank + 1);
            fused[id] = fused.TryGetValue(id, out var hit)
                ? (hit.Score + score, [.. hit.Matched, SearchSignal.Semantic], similarity)
                : (score, [SearchSignal.Semantic], similarity);
        }

        // The tools' current rows decide: the index may hold a vector of a tool since deleted or re-filtered.
        var ids = fused.Keys.ToList();
        var rows = await Filtered(query).Where(t => ids.Contains(t.Id)).ToDictionaryAsync(t => t.Id, cancellationToken);
        var hits = fused.Where(f => rows.ContainsKey(f.Key))
            // On a tie (first by words, first by meaning), the tool that has the words wins: a misspelled name is
            // precise, while a query of misspellings has no meaning to speak of.
            .OrderByDescending(f => f.Value.Score)
            .ThenByDescending(f => f.Value.Matched[0] == SearchSignal.Lexical)
            .ThenBy(f => rows[f.Key].Name, StringComparer.Ordinal)
            .Take(query.Limit)
            .Select(f => new ToolHit(rows[f.Key], f.Value.Score, f.Value.Matched, f.Value.Similarity))
            .ToList();
        return new ToolSearchResult(hits, mode, degraded);
    }

    /// <summary>Drops the hits far less similar than the best one (see <see cref="EmbeddingOptions.RelativeSimilarity"/>).</summary>
    private IReadOnlyList<(Guid Id, double Similarity)> Relevant(IReadOnlyList<(Guid Id, double Similarity)> hits) =>
        hits.Count == 0 ? hits : hits.Where(h => h.Similarity >= hits[0].Similarity * embeddings.RelativeSimilarity).ToList();

    private IQueryable<Model.Tool> Filtered(ToolQuery query)
    {
        var tools = db.Tools.AsNoTracking();
        if (query.Kind is { } kind)
        {
            tools = tools.Where(t => t.Kind == kind);
        }

        if (query.Tag is { } tag)
        {
            tools = tools.Where(t => t.Tags.Contains(tag));
        }

        if (query.Names is { } names)
        {
            tools = tools.Where(t => names.Contains(t.Name));
        }

        if (query.EnabledOnly)
        {
            tools = tools.Where(t => t.Enabled);
        }

        return tools;
    }
}
