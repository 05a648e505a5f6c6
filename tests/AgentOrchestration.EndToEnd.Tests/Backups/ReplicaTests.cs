using System.Net;
using System.Net.Http.Json;
using AgentOrchestration.EndToEnd.Tests.Faults;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace AgentOrchestration.EndToEnd.Tests.Backups;

/// <summary>Infrastructure:Replica=true: a streaming replica of the local Postgres, its lag in /status, and the promote drill.</summary>
public sealed class ReplicaTests : IAsyncLifetime
{
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), $"ao-replica-{Guid.NewGuid():N}");
    private DistributedApplication _app = null!;
    private HttpClient _api = null!;

    public async Task InitializeAsync()
    {
        _app = await AppHostFixture.StartAsync(_dataDir, smallLimits: false, "--Infrastructure:Replica=true");
        await _app.ResourceNotifications.WaitForResourceHealthyAsync(ResourceNames.PostgresReplica).WaitAsync(TimeSpan.FromMinutes(2));
        _api = AppHostFixture.CreateApiClient(_app);
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        AppHostFixture.TryDelete(_dataDir);
    }

    [Fact]
    public async Task AWriteOnThePrimaryReachesTheReplicaWithinSecondsAndAPromotedReplicaTakesWrites()
    {
        var status = await FaultKit.WaitForStatusAsync(_api, "healthy", TimeSpan.FromSeconds(30));
        var replica = status.GetProperty("replica");
        Assert.Equal("streaming", replica.GetProperty("state").GetString());
        Assert.True(replica.GetProperty("lagBytes").GetInt64() >= 0, replica.ToString());

        var name = Json.UniqueName("replicated");
        var created = await _api.RegisterAsync(name, "echo");
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        await using var onReplica = await OpenReplicaAsync(ResourceNames.AgentsDb);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!await AgentExistsAsync(onReplica, name))
        {
            Assert.True(DateTime.UtcNow < deadline, $"agent {name} did not reach the replica within 30 s");
            await Task.Delay(100);
        }

        // Read-only while it follows the primary.
        await Assert.ThrowsAsync<PostgresException>(() => new NpgsqlCommand("CREATE TABLE drill (id int)", onReplica).ExecuteNonQueryAsync());

        var commands = _app.Services.GetRequiredService<ResourceCommandService>();
        var promoted = await commands.ExecuteCommandAsync(ResourceNames.PostgresReplica, "promote");
        Assert.True(promoted.Success, promoted.Message);

        await using var promotedDb = await OpenReplicaAsync(ResourceNames.AgentsDb);
        Assert.False((bool)(await new NpgsqlCommand("SELECT pg_is_in_recovery()", promotedDb).ExecuteScalarAsync())!);
        await new NpgsqlCommand("CREATE TABLE drill (id int); INSERT INTO drill VALUES (1)", promotedDb).ExecuteNonQueryAsync();
        Assert.True(await AgentExistsAsync(promotedDb, name), "the promoted replica lost the replicated agent");

        // The system keeps serving, and /status says it has no replica any more.
        var after = await _api.RegisterAsync(Json.UniqueName("after"), "echo");
        Assert.Equal(HttpStatusCode.Created, after.StatusCode);
        var degraded = await FaultKit.WaitForStatusAsync(_api, "degraded", TimeSpan.FromSeconds(30));
        Assert.Equal("absent", degraded.GetProperty("replica").GetProperty("state").GetString());
    }

    /// <summary>The database on the replica: the primary's connection string with the replica's port (the roles replicate).</summary>
    private async Task<NpgsqlConnection> OpenReplicaAsync(string database)
    {
        var endpoint = _app.GetEndpoint(ResourceNames.PostgresReplica, "tcp");
        var builder = new NpgsqlConnectionStringBuilder(await _app.GetConnectionStringAsync(database)) { Port = endpoint.Port, Pooling = false };
        var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    private static async Task<bool> AgentExistsAsync(NpgsqlConnection db, string name)
    {
        await using var query = new NpgsqlCommand("SELECT count(*) FROM agents WHERE name = $1", db);
        query.Parameters.AddWithValue(name);
        return (long)(await query.ExecuteScalarAsync())! > 0;
    }
}
