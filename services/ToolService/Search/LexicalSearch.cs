using AgentOrchestration.ToolService.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace AgentOrchestration.ToolService.Search;

/// <summary>
/// Ranked tool search, typo-tolerant and index-served. Each query word is first corrected against the vocabulary of
/// all tools' words (<c>tool_words</c>, trigram index): it stands for itself or its <see cref="Alternatives"/> nearest
/// spellings ("numbrs" → numbers). The tools are then found by full text on their GIN-indexed <c>search_vector</c>:
/// every query word (through one of its spellings) must occur, or, when no tool has them all, any of them; ranked by
/// <c>ts_rank</c>. Both steps are index look-ups, so the cost does not grow with the length of the tools' texts.
/// Semantic search complements it in <see cref="ToolSearch"/>.
/// </summary>
public sealed class LexicalSearch(ToolsDbContext db)
{
    /// <summary>How many near spellings each query word may stand for.</summary>
    public const int Alternatives = 3;

    /// <summary>Appended to the connection string: how similar (pg_trgm) a vocabulary word must be to count as a spelling.</summary>
    public const string ConnectionOptions = "Options=-c pg_trgm.similarity_threshold=0.3";

    public sealed record Hit(Guid Id, double Score);

    /// <summary>
    /// The best <paramref name="count"/> tools for the text: those with all its words, or, when none has them all and
    /// <paramref name="orAnyWord"/>, those with any. Hybrid search does without the second step: for a question in
    /// plain words, "any word" matches whatever shares a "the" or a "my" with it, and meaning does better.
    /// </summary>
    public async Task<List<Hit>> FindAsync(string text, ToolQuery query, int count, bool orAnyWord, CancellationToken cancellationToken)
    {
        var hits = await MatchAsync(text.Trim(), allWords: true, query, count, cancellationToken);
        return hits.Count > 0 || !orAnyWord ? hits : await MatchAsync(text.Trim(), allWords: false, query, count, cancellationToken);
    }

    /// <remarks>
    /// The tsquery is built from quoted lexemes: <c>('wether' | 'weather') &amp; ('forcast' | 'forecast')</c>. Words come
    /// from the 'simple' parser, which splits on quotes and backslashes, so <c>quote_literal</c> quoting is enough.
    /// </remarks>
    private Task<List<Hit>> MatchAsync(string text, bool allWords, ToolQuery query, int count, CancellationToken cancellationToken)
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
              AND (NOT {query.EnabledOnly} OR enabled)
            ORDER BY "Score" DESC, name
            LIMIT {count}
            """).ToListAsync(cancellationToken);
    }
}
