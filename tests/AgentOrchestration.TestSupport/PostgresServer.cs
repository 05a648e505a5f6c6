using Npgsql;
using Xunit;

namespace AgentOrchestration.TestSupport;

/// <summary>
/// A throw-away Postgres cluster from the installed binaries, on a free port, for one test run. Missing binaries
/// fail the tests loudly: a test that needs Postgres never passes without one.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    private const string User = "postgres";
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), $"ao-test-pg-{Guid.NewGuid():N}");
    private ServerProcess? _server;

    public int Port { get; } = ServerProcess.FreeTcpPort();

    public string ConnectionString(string database) =>
        $"Host=127.0.0.1;Port={Port};Username={User};Database={database}";

    public async Task InitializeAsync()
    {
        var bin = FindBinDirectory();
        var asRoot = Environment.UserName == "root";
        Directory.CreateDirectory(_dataDir);
        string[] initdb = [Path.Combine(bin, "initdb"), "-D", _dataDir, "-U", User, "--auth=trust", "--encoding=UTF8", "--no-locale"];
        string[] postgres = [Path.Combine(bin, "postgres"), "-D", _dataDir, "-p", Port.ToString(), "-k", Path.GetTempPath(),
            "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "max_connections=200"];
        if (asRoot)
        {
            // Postgres refuses root; setpriv execs it as the postgres user so killing it stops the postmaster.
            ServerProcess.Run("chown", "-R", $"{User}:{User}", _dataDir);
            ServerProcess.Run("setpriv", ["--reuid", User, "--regid", User, "--init-groups", .. initdb]);
            _server = ServerProcess.Start("setpriv", ["--reuid", User, "--regid", User, "--init-groups", .. postgres]);
        }
        else
        {
            ServerProcess.Run(initdb[0], initdb[1..]);
            _server = ServerProcess.Start(postgres[0], postgres[1..]);
        }

        await WaitUntilReadyAsync();
    }

    public async Task CreateDatabaseAsync(string name)
    {
        await using var connection = new NpgsqlConnection(ConnectionString("postgres"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await command.ExecuteNonQueryAsync();
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        try
        {
            Directory.Delete(_dataDir, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }

    private async Task WaitUntilReadyAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                await using var connection = new NpgsqlConnection(ConnectionString("postgres") + ";Pooling=false;Timeout=2");
                await connection.OpenAsync();
                return;
            }
            catch (NpgsqlException) when (DateTime.UtcNow < deadline && _server?.HasExited == false)
            {
                await Task.Delay(200);
            }
            catch (NpgsqlException ex)
            {
                throw new InvalidOperationException($"Postgres did not start on port {Port}: {_server?.Output}", ex);
            }
        }
    }

    private static string FindBinDirectory()
    {
        var bin = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin"))
                .Where(d => File.Exists(Path.Combine(d, "postgres"))).OrderDescending().FirstOrDefault()
            : null;
        return bin ?? throw new InvalidOperationException(
            "The tests need a local PostgreSQL server (apt-get install postgresql); none was found under /usr/lib/postgresql.");
    }
}
