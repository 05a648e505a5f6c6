using Npgsql;

namespace AgentOrchestration.ApiService.Services;

/// <summary>The local streaming replica as the primary sees it: its state ("streaming", or "absent") and how far behind it is.</summary>
public sealed record ReplicaStatus(string Status, string State, long? LagBytes, double? LagSeconds);

/// <summary>
/// Asks the primary's pg_stat_replication about the replica named by Replica:Name (set by the AppHost when
/// Infrastructure:Replica=true; otherwise there is no replica section). Lag in seconds is Postgres's replay_lag, which
/// is empty while nothing is being written (nothing to catch up on), reported as 0.
/// </summary>
public sealed class ReplicaStatusProbe(IConfiguration configuration)
{
    private readonly string? _name = configuration["Replica:Name"] is { Length: > 0 } name ? name : null;
    private readonly string? _connectionString = configuration.GetConnectionString("tasksdb");

    public async Task<ReplicaStatus?> GetAsync(CancellationToken cancellationToken)
    {
        if (_name is null || _connectionString is null)
        {
            return null;
        }

        try
        {
            await using var connection = new NpgsqlConnection(_connectionString);
            await connection.OpenAsync(cancellationToken);
            await using var query = new NpgsqlCommand("""
                SELECT state, pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)::bigint,
                       COALESCE(EXTRACT(EPOCH FROM replay_lag), 0)::float8
                FROM pg_stat_replication WHERE application_name = $1
                """, connection);
            query.Parameters.AddWithValue(_name);
            await using var reader = await query.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                return new ReplicaStatus("unhealthy", "absent", null, null);
            }

            var state = reader.GetString(0);
            return new ReplicaStatus(state == "streaming" ? "healthy" : "unhealthy", state,
                reader.IsDBNull(1) ? null : reader.GetInt64(1), Math.Round(reader.GetDouble(2), 3));
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            return new ReplicaStatus("unhealthy", "unknown", null, null);
        }
    }
}
