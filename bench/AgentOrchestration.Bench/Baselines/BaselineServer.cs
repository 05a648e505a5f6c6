using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;

namespace AgentOrchestration.Bench.Baselines;

/// <summary>
/// The two physical-limit baselines, hosted by Kestrel in the benchmark's own process on 127.0.0.1 and driven by the
/// same load generator as the system, so every figure of the system is also a ratio that survives a noisy machine:
/// A — the cost of an HTTP round trip through Kestrel with a small JSON answer and nothing else;
/// B — the cost of the one durable write a task fundamentally needs: INSERT the request's JSON and COMMIT, into the
///     same Postgres the services use (same fsync, same disk).
/// </summary>
public sealed class BaselineServer : IAsyncDisposable
{
    public const string JsonPath = "/baseline/json";
    public const string InsertPath = "/baseline/insert";

    private readonly WebApplication _app;
    private readonly NpgsqlDataSource _database;

    private BaselineServer(WebApplication app, NpgsqlDataSource database, Uri baseAddress)
    {
        _app = app;
        _database = database;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public static async Task<BaselineServer> StartAsync(string connectionString, CancellationToken cancellationToken)
    {
        // A pool as large as the highest concurrency, so baseline B waits on Postgres, not on the pool.
        var database = new NpgsqlDataSourceBuilder(new NpgsqlConnectionStringBuilder(connectionString) { MaxPoolSize = 128 }.ConnectionString).Build();
        await using (var create = database.CreateCommand(
            "CREATE TABLE IF NOT EXISTS bench_baseline (id bigserial PRIMARY KEY, body jsonb NOT NULL, created_at timestamptz NOT NULL DEFAULT now())"))
        {
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();

        app.MapGet(JsonPath, () => Results.Json(new Pong("ok", 1)));
        app.MapPost(InsertPath, async (HttpRequest request, CancellationToken token) =>
        {
            using var reader = new StreamReader(request.Body);
            var json = await reader.ReadToEndAsync(token);
            await using var connection = await database.OpenConnectionAsync(token);
            await using var transaction = await connection.BeginTransactionAsync(token);
            await using (var insert = new NpgsqlCommand("INSERT INTO bench_baseline (body) VALUES ($1)", connection, transaction))
            {
                insert.Parameters.Add(new NpgsqlParameter { Value = json, NpgsqlDbType = NpgsqlDbType.Jsonb });
                await insert.ExecuteNonQueryAsync(token);
            }

            await transaction.CommitAsync(token);
            return Results.Json(new Pong("stored", 1), statusCode: StatusCodes.Status201Created);
        });

        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new BaselineServer(app, database, new Uri(address));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        await _database.DisposeAsync();
    }

    private sealed record Pong(string Status, int Version);
}
