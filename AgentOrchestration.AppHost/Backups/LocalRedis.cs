using System.Net.Sockets;
using System.Text;

namespace Aspire.Hosting.Backups;

/// <summary>
/// Empties the local Redis on a restore. It holds only what can be rebuilt: the agent-grant cache (refilled from the
/// AgentService), pub/sub notices (gone once sent) and the execution-event stream, a copy of the task outbox in tasksdb
/// that the relay sends again for every event the restored log lacks. Left as it was, the stream would feed the
/// restored log events of tasks the backup never had.
/// </summary>
internal sealed class LocalRedis(EndpointReference endpoint, ParameterResource password)
{
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", endpoint.Port, cancellationToken);
        var stream = client.GetStream();
        var secret = await password.GetValueAsync(cancellationToken) ?? "";
        // RESP arrays, so a password with any character is sent as it is.
        await stream.WriteAsync(Encoding.UTF8.GetBytes(Command("AUTH", secret) + Command("FLUSHALL")), cancellationToken);
        var answer = new StringBuilder();
        var buffer = new byte[256];
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(30));
        while (CountLines(answer) < 2)
        {
            var read = await stream.ReadAsync(buffer, deadline.Token);
            if (read == 0)
            {
                break;
            }

            answer.Append(Encoding.UTF8.GetString(buffer, 0, read));
        }

        if (answer.ToString() != "+OK\r\n+OK\r\n")
        {
            throw new InvalidOperationException($"Redis did not flush: {answer.ToString().Trim()}");
        }
    }

    private static int CountLines(StringBuilder text) => text.ToString().Split("\r\n").Length - 1;

    private static string Command(params string[] parts) =>
        $"*{parts.Length}\r\n" + string.Concat(parts.Select(p => $"${Encoding.UTF8.GetByteCount(p)}\r\n{p}\r\n"));
}
