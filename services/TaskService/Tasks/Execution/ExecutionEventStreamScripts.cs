using AgentOrchestration.ServiceCommon.Contracts;
using StackExchange.Redis;

namespace AgentOrchestration.TaskService.Tasks.Execution;

/// <summary>An entry id of a Redis stream ("ms-seq"), ordered as Redis orders them.</summary>
public readonly record struct StreamEntryId(long Ms, long Seq) : IComparable<StreamEntryId>
{
    public static readonly StreamEntryId Zero = new(0, 0);

    public static StreamEntryId Parse(string id)
    {
        var dash = id.IndexOf('-');
        return dash < 0 ? new(long.Parse(id), 0) : new(long.Parse(id[..dash]), long.Parse(id[(dash + 1)..]));
    }

    /// <summary>The greatest id below this one: "everything before the first pending entry" as an inclusive bound.</summary>
    public StreamEntryId Previous() => Seq > 0 ? new(Ms, Seq - 1) : Ms > 0 ? new(Ms - 1, long.MaxValue) : Zero;

    public int CompareTo(StreamEntryId other) => Ms != other.Ms ? Ms.CompareTo(other.Ms) : Seq.CompareTo(other.Seq);

    public override string ToString() => $"{Ms}-{Seq}";
}

/// <summary>The stream as the relay found it when appending: lost (recreated since), or appended up to an id.</summary>
public sealed record StreamAppend(bool Lost, long EntriesAdded, StreamEntryId LastId);

/// <summary>What the LoggingService has: every entry up to <see cref="StoredUpTo"/> is in its store (null: nothing known).</summary>
public sealed record StreamConsumed(bool Exists, long EntriesAdded, StreamEntryId? StoredUpTo);

/// <summary>
/// The relay's two Redis operations, each one atomic script. A stream's <c>entries-added</c> counter (Redis 7) only
/// grows while the key lives, and the relay is the stream's only writer, so a counter below what the relay last
/// recorded means Redis lost the stream (a restart without persistence, an older snapshot, a flush): the events it
/// held may never have reached the LoggingService, and the relay publishes again what is still in its outbox.
/// </summary>
public static class ExecutionEventStreamScripts
{
    private const string ReadAdded = """
        local added = 0
        local exists = redis.call('EXISTS', KEYS[1]) == 1
        if exists then
          local info = redis.call('XINFO', 'STREAM', KEYS[1])
          for i = 1, #info, 2 do
            if info[i] == 'entries-added' then added = info[i + 1] end
          end
        end
        """;

    /// <summary>
    /// ARGV: the entries-added the relay's cursor recorded (-1: not known, after a migration or a lost cursor), the field name, then one payload per entry. Entries added
    /// since that count can only be a batch from the same cursor whose transaction then failed (or whose caller timed
    /// out while the script was queued): they are the first of these payloads, in the same order, so they are skipped
    /// rather than added twice, and a late script adds nothing once its batch is in.
    /// </summary>
    private const string Append = ReadAdded + """

        local expected = tonumber(ARGV[1])
        local skip = 0
        if expected >= 0 then skip = added - expected end
        if skip < 0 then return {0, added, '0-0'} end
        local last = nil
        for i = 3 + skip, #ARGV do
          last = redis.call('XADD', KEYS[1], '*', ARGV[2], ARGV[i])
          added = added + 1
        end
        if last == nil then
          local info = redis.call('XINFO', 'STREAM', KEYS[1])
          for i = 1, #info, 2 do
            if info[i] == 'last-generated-id' then last = info[i + 1] end
          end
        end
        return {1, added, last}
        """;

    /// <summary>ARGV: the consumer group. Returns exists, entries-added and, when the group exists, its delivered and pending state.</summary>
    private const string Consumed = ReadAdded + """

        if not exists then return {0, 0} end
        local groups = redis.call('XINFO', 'GROUPS', KEYS[1])
        for _, g in ipairs(groups) do
          local name, delivered, pending
          for i = 1, #g, 2 do
            if g[i] == 'name' then name = g[i + 1]
            elseif g[i] == 'last-delivered-id' then delivered = g[i + 1]
            elseif g[i] == 'pending' then pending = g[i + 1] end
          end
          if name == ARGV[1] then
            local lowest = ''
            if pending > 0 then lowest = redis.call('XPENDING', KEYS[1], ARGV[1])[2] end
            return {1, added, delivered, pending, lowest}
          end
        end
        return {1, added}
        """;

    /// <summary>
    /// Appends the payloads in order (those a failed attempt from the same cursor already added are not added again),
    /// unless the stream was lost since it held <paramref name="expectedAdded"/> entries.
    /// </summary>
    public static async Task<StreamAppend> AppendAsync(IDatabase db, long expectedAdded, IReadOnlyList<string> payloads)
    {
        var args = new RedisValue[payloads.Count + 2];
        args[0] = expectedAdded;
        args[1] = ExecutionEventStream.Field;
        for (var i = 0; i < payloads.Count; i++)
        {
            args[i + 2] = payloads[i];
        }

        var result = (RedisResult[])(await db.ScriptEvaluateAsync(Append, [ExecutionEventStream.Name], args))!;
        return new((long)result[0] == 0, (long)result[1], StreamEntryId.Parse((string)result[2]!));
    }

    /// <summary>
    /// The consumer group's acknowledged point: it acknowledges an entry only after storing it, so every delivered
    /// entry below its oldest pending one (all delivered ones when none is pending) is stored.
    /// </summary>
    public static async Task<StreamConsumed> ConsumedAsync(IDatabase db)
    {
        var result = (RedisResult[])(await db.ScriptEvaluateAsync(Consumed, [ExecutionEventStream.Name], [ExecutionEventStream.ConsumerGroup]))!;
        if ((long)result[0] == 0)
        {
            return new(false, 0, null);
        }

        var added = (long)result[1];
        if (result.Length < 5)
        {
            return new(true, added, null);
        }

        var delivered = StreamEntryId.Parse((string)result[2]!);
        var stored = (long)result[3] == 0 ? delivered : StreamEntryId.Parse((string)result[4]!).Previous();
        return new(true, added, stored);
    }
}
