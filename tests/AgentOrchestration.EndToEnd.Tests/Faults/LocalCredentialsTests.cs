using System.Net.Sockets;
using System.Text;
using Npgsql;

namespace AgentOrchestration.EndToEnd.Tests.Faults;

/// <summary>
/// The system's own Postgres and Redis let in only who has the password: before, any local process could read every
/// database (the Data Protection key ring included) and get around every API check.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class LocalCredentialsTests(AppHostFixture fixture)
{
    [Fact]
    public async Task PostgresRefusesAConnectionWithoutThePassword()
    {
        var withPassword = new NpgsqlConnectionStringBuilder(await fixture.App.GetConnectionStringAsync(ResourceNames.ToolsDb))
        {
            Pooling = false,
            Timeout = 5,
        };
        Assert.False(string.IsNullOrEmpty(withPassword.Password));
        await using (var allowed = new NpgsqlConnection(withPassword.ConnectionString))
        {
            await allowed.OpenAsync();
        }

        foreach (var user in (string[])["postgres", Environment.UserName])
        {
            var without = new NpgsqlConnectionStringBuilder(withPassword.ConnectionString) { Password = null, Username = user };
            await using var refused = new NpgsqlConnection(without.ConnectionString);
            await Assert.ThrowsAnyAsync<NpgsqlException>(() => refused.OpenAsync());
        }
    }

    [Fact]
    public async Task RedisRefusesPingWithoutAuth()
    {
        var redis = await fixture.App.GetConnectionStringAsync(ResourceNames.Redis);
        var port = int.Parse(redis!.Split(',')[0].Split(':')[1]);
        Assert.Contains("password=", redis, StringComparison.Ordinal);

        Assert.StartsWith("-NOAUTH", await SendAsync(port, "PING\r\n"), StringComparison.Ordinal);
        var password = redis.Split(',').Single(p => p.StartsWith("password=", StringComparison.Ordinal))["password=".Length..];
        Assert.StartsWith("+OK\r\n+PONG", await SendAsync(port, $"AUTH {password}\r\nPING\r\n", expectLines: 2), StringComparison.Ordinal);
    }

    private static async Task<string> SendAsync(int port, string commands, int expectLines = 1)
    {
        using var client = new TcpClient();
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await client.ConnectAsync("127.0.0.1", port, cancel.Token);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(commands), cancel.Token);
        var answer = new StringBuilder();
        var buffer = new byte[256];
        while (answer.ToString().Split("\r\n").Length <= expectLines)
        {
            var read = await stream.ReadAsync(buffer, cancel.Token);
            if (read == 0)
            {
                break;
            }

            answer.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        return answer.ToString();
    }
}
