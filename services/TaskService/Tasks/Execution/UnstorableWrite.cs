using Npgsql;

namespace AgentOrchestration.TaskService.Tasks.Execution;

/// <summary>
/// Database failures that no repeat can heal: the data itself is refused (class 22, e.g. 22P05 untranslatable
/// character, 22021 bad encoding, 22001 string too long), a constraint (class 23), or a program limit (class 54,
/// e.g. a jsonb too large). Writing the same change again fails the same way, so the change must fail, once.
/// </summary>
public static class UnstorableWrite
{
    public static bool Is(Exception exception, out PostgresException? postgres)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is PostgresException p && p.SqlState is ['2', '2' or '3', ..] or ['5', '4', ..])
            {
                postgres = p;
                return true;
            }
        }

        postgres = null;
        return false;
    }

    public static string Describe(PostgresException postgres) =>
        ServiceCommon.StorableJson.Clean($"{postgres.SqlState}: {postgres.MessageText}");
}
