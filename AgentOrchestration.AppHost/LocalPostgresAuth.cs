using Npgsql;

namespace Aspire.Hosting;

/// <summary>
/// How local Postgres is locked: over TCP (what the services use) only with the password (scram-sha-256); over its
/// Unix socket, which only the server's OS user and root can open (unix_socket_permissions=0700), the AppHost logs in
/// as that user and sets the password of this run. So a new cluster and one made by an older version (initdb
/// --auth=trust, no password) work the same way, and the password need not be kept anywhere between runs.
/// </summary>
internal static class LocalPostgresAuth
{
    public static string SocketDirectory { get; } = Path.GetTempPath();

    /// <summary>Rewritten on every start, so clusters created with trust for TCP are closed too.</summary>
    public static void WriteHostBasedAuth(string pgData) => File.WriteAllText(Path.Combine(pgData, "pg_hba.conf"), """
        # Written by the AppHost on every start (LocalPostgresAuth): TCP needs the password; the socket is the owner's.
        local   all   all                  trust
        local   replication   all          trust
        host    all   all   127.0.0.1/32   scram-sha-256
        host    all   all   ::1/128        scram-sha-256

        """);

    /// <summary>Opens the postgres database over the socket and makes <paramref name="password"/> the one TCP logins need.</summary>
    public static async Task<NpgsqlConnection> OpenAsAdministratorAsync(int port, string password, CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(
            $"Host={SocketDirectory};Port={port};Username=postgres;Database=postgres;Timeout=3;Pooling=false");
        try
        {
            await connection.OpenAsync(cancellationToken);
            // ALTER ROLE takes no parameters; the literal is quoted (a configured password may hold a quote).
            await using var alter = new NpgsqlCommand($"ALTER ROLE postgres PASSWORD '{password.Replace("'", "''")}'", connection);
            await alter.ExecuteNonQueryAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }
}
