using AgentOrchestration.ToolService.Infrastructure;
using AgentOrchestration.ToolService.Model;
using Microsoft.EntityFrameworkCore;

namespace AgentOrchestration.ToolService.Search;

public sealed record ToolQuery(string? Text, string? Tag, ToolKind? Kind, IReadOnlyList<string>? Names, int Limit);

/// <summary>
/// Ranked tool search. A tool matches when Postgres full-text search finds the query's words in it, or when
/// pg_trgm's word similarity finds a close spelling (so "ad numbrs" still finds math.add); its score is the better
/// of the two. Both conditions are served by GIN indexes, so search stays fast with many thousands of tools.
/// The similarity threshold is set on the connection (see <see cref="ConnectionOptions"/>).
/// </summary>
public sealed class ToolSearch(ToolsDbContext db)
{
    /// <summary>Appended to the connection string: how close a spelling must be for the trigram operator to match.</summary>
    public const string ConnectionOptions = "Options=-c pg_trgm.word_similarity_threshold=0.3";

    private sealed record Hit(Guid Id, double Score);

    public async Task<IReadOnlyList<(Tool Tool, double? Score)>> FindAsync(ToolQuery query, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(query.Text))
        {
            var tools = await Filter(db.Tools.AsNoTracking(), query).OrderBy(t => t.Name).Take(query.Limit).ToListAsync(cancellationToken);
            return tools.Select(t => (t, (double?)null)).ToList();
        }

        var text = query.Text.Trim();
        var kind = query.Kind?.ToString();
        var names = query.Names?.ToArray();
        var hits = await db.Database.SqlQuery<Hit>($"""
            SELECT id AS "Id", GREATEST(ts_rank(search_vector, websearch_to_tsquery('simple', {text})),
                                        word_similarity({text}, search_text)) AS "Score"
            FROM tools
            WHERE (search_vector @@ websearch_to_tsquery('simple', {text}) OR {text} <% search_text)
              AND ({kind}::text IS NULL OR kind = {kind})
              AND ({query.Tag}::text IS NULL OR tags @> ARRAY[{query.Tag}::text])
              AND ({names}::text[] IS NULL OR name = ANY({names}))
            ORDER BY "Score" DESC, name
            LIMIT {query.Limit}
            """).ToListAsync(cancellationToken);

        var ids = hits.Select(h => h.Id).ToList();
        var byId = await db.Tools.AsNoTracking().Where(t => ids.Contains(t.Id)).ToDictionaryAsync(t => t.Id, cancellationToken);
        return hits.Where(h => byId.ContainsKey(h.Id)).Select(h => (byId[h.Id], (double?)h.Score)).ToList();
    }

    private static IQueryable<Tool> Filter(IQueryable<Tool> tools, ToolQuery query)
    {
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

        return tools;
    }
}
