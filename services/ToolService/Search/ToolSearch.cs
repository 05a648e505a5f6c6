using AgentOrchestration.ToolService.Infrastructure;
using AgentOrchestration.ToolService.Model;
using Microsoft.EntityFrameworkCore;

namespace AgentOrchestration.ToolService.Search;

public sealed record ToolQuery(string? Text, string? Tag, ToolKind? Kind, IReadOnlyList<string>? Names, int Limit);

/// <summary>
/// Ranked tool search, typo-tolerant and index-served. Each query word is first corrected against the vocabulary of
/// all tools' words (<c>tool_words</c>, trigram index): it stands for itself or its <see cref="Alternatives"/> nearest
/// spellings ("numbrs" → numbers). The tools are then found by full text on their GIN-indexed <c>search_vector</c>:
/// every query word (through one of its spellings) must occur, or, when no tool has them all, any of them; ranked by
/// <c>ts_rank</c>. Both steps are index look-ups, so the cost does not grow with the length of the tools' texts.
/// </summary>
public sealed class ToolSearch(ToolsDbContext db)
{
    /// <summary>How many near spellings each query word may stand for.</summary>
    public const int Alternatives = 3;

    /// <summary>Appended to the connection string: how similar (pg_trgm) a vocabulary word must be to count as a spelling.</summary>
    public const string ConnectionOptions = "Options=-c pg_trgm.similarity_threshold=0.3";

    private sealed record Hit(Guid Id, double Score);

    public async Task<IReadOnlyList<(Tool Tool, double? Score)>> FindAsync(ToolQuery query, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(query.Text))
        {
            var tools = await Filter(db.Tools.AsNoTracking(), query).OrderBy(t => t.Name).Take(query.Limit).ToListAsync(cancellationToken);
            return tools.Select(t => (t, (double?)null)).ToList();
        }

        var text = query.Text.Trim();
        var hits = await MatchAsync(text, allWords: true, query, cancellationToken);
        if (hits.Count == 0)
        {
            hits = await MatchAsync(text, allWords: false, query, cancellationToken);
        }

        var ids = hits.Select(h => h.Id).ToList();
        var byId = await db.Tools.AsNoTracking().Where(t => ids.Contains(t.Id)).ToDictionaryAsync(t => t.Id, cancellationToken);
        return hits.Where(h => byId.ContainsKey(h.Id)).Select(h => (byId[h.Id], (double?)h.Score)).ToList();
    }

    /// <remarks>
    /// The tsquery is built from quoted lexemes: <c>('wether' | 'weather') &amp; ('forcast' | 'forecast')</c>. Words come
    /// from the 'simple' parser, which splits on quotes and backslashes, so <c>quote_literal</c> quoting is enough.
    /// </remarks>
    private Task<List<Hit>> MatchAsync(string text, bool allWords, ToolQuery query, CancellationToken cancellationToken)
    {
        var kind = query.Kind?.ToString();
        var names = query.Names?.ToArray();
        var join = allWords ? " & " : " | ";
        return db.Database.SqlQuery<Hit>($"""
            WITH words AS (
                SELECT DISTINCT w FROM unnest(tsvector_to_array(to_tsvector('simple', {text}))) AS w
            ),
            spellings AS (
                SELECT w, string_agg(quote_literal(spelling), ' | ') AS any_spelling
                FROM (
                    SELECT w, w AS spelling FROM words
                    UNION
                    SELECT words.w, near.word FROM words CROSS JOIN LATERAL (
                        SELECT word FROM tool_words WHERE word % words.w
                        ORDER BY similarity(word, words.w) DESC, word LIMIT {Alternatives}) AS near
                ) AS s
                GROUP BY w
            ),
            q AS (
                SELECT string_agg('(' || any_spelling || ')', {join})::tsquery AS query FROM spellings
            )
            SELECT id AS "Id", ts_rank(search_vector, q.query)::float8 AS "Score"
            FROM tools, q
            WHERE search_vector @@ q.query
              AND ({kind}::text IS NULL OR kind = {kind})
              AND ({query.Tag}::text IS NULL OR tags @> ARRAY[{query.Tag}::text])
              AND ({names}::text[] IS NULL OR name = ANY({names}))
            ORDER BY "Score" DESC, name
            LIMIT {query.Limit}
            """).ToListAsync(cancellationToken);
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
