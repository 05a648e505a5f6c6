using System.Text.Json;

namespace AgentOrchestration.EndToEnd.Tests;

/// <summary>One server-sent event as a client sees it.</summary>
internal sealed record SseEvent(string? Id, string? Type, JsonElement Data);

/// <summary>Reads a text/event-stream response the way a browser's EventSource does (comments are skipped).</summary>
internal sealed class SseReader(Stream stream) : IDisposable
{
    private readonly StreamReader _reader = new(stream);

    public static async Task<SseReader> OpenAsync(HttpClient client, string url, string? lastEventId = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Accept.ParseAdd("text/event-stream");
        if (lastEventId is not null)
        {
            request.Headers.Add("Last-Event-ID", lastEventId);
        }

        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        return new SseReader(await response.Content.ReadAsStreamAsync());
    }

    /// <summary>The next event, or null when the server closed the stream.</summary>
    public async Task<SseEvent?> NextAsync(CancellationToken cancellationToken)
    {
        string? id = null, type = null, data = null;
        while (await _reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.Length == 0)
            {
                if (data is not null)
                {
                    return new SseEvent(id, type, JsonDocument.Parse(data).RootElement.Clone());
                }

                continue;
            }

            if (line.StartsWith(':'))
            {
                continue;
            }

            var (field, value) = line.IndexOf(':') is var colon and > 0
                ? (line[..colon], line[(colon + 1)..].TrimStart())
                : (line, "");
            switch (field)
            {
                case "id": id = value; break;
                case "event": type = value; break;
                case "data": data = data is null ? value : data + "\n" + value; break;
            }
        }

        return null;
    }

    /// <summary>Reads events until one satisfies the predicate (included) or the stream ends; bounded in time.</summary>
    public async Task<List<SseEvent>> ReadUntilAsync(Func<SseEvent, bool> stop, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var events = new List<SseEvent>();
        while (await NextAsync(cts.Token) is { } e)
        {
            events.Add(e);
            if (stop(e))
            {
                break;
            }
        }

        return events;
    }

    public static bool IsTerminal(SseEvent e) => e.Type is "task.succeeded" or "task.failed" or "task.cancelled" or "task.timed_out";

    public void Dispose() => _reader.Dispose();
}
