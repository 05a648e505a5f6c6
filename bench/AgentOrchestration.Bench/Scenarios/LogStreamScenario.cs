using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using AgentOrchestration.Bench.Load;
using AgentOrchestration.Bench.Stats;

namespace AgentOrchestration.Bench.Scenarios;

/// <summary>
/// 5 — log streaming. Many subscribers (100 by default) hold GET /logs/stream?agent=… open through the gateway while
/// <c>concurrency</c> closed-loop producers run one-step echo tasks of that agent. For every step.succeeded event
/// of a task finished inside the measured window, each subscriber's delay is its arrival time minus the event's
/// <c>at</c> (written by the ApiService when it journals the step; same machine, same clock). So the figure covers
/// the commit, the outbox relay, Redis, the LoggingService's store and fan-out, and the gateway. A subscriber that
/// never receives such an event counts as an error.
/// </summary>
public sealed class LogStreamScenario(ScenarioContext context) : TaskScenario(context)
{
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(10);

    public override int Number => 5;

    public override string Name => "SSE step event delay";

    protected override string[] Tools => ["echo"];

    protected override string TaskJson(string agent) =>
        $$"""{ "agent": "{{agent}}", "tool": "echo", "arguments": { "text": "streamed" } }""";

    public override async Task<Measurement> MeasureAsync(int concurrency, CancellationToken cancellationToken)
    {
        var count = Context.Options.Subscribers;
        using var streams = HttpClients.Create(Context.ApiBase, Context.AdminKey, Timeout.InfiniteTimeSpan);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var subscribers = Enumerable.Range(0, count).Select(_ => new Subscriber()).ToList();
        var opened = subscribers.Select(s => s.OpenAsync(streams, $"/logs/stream?agent={Agent}", stop.Token)).ToList();
        await Task.WhenAll(opened);
        var reading = subscribers.Select(s => s.ReadAsync(stop.Token)).ToList();

        // Producers: the task ids finished inside the window are the events every subscriber must deliver.
        var window = LoadWindow.StartingNow(Context.Options.Warmup, Context.Options.Duration);
        var finished = new ConcurrentBag<Guid>();
        var producers = await LoadRunner.RunAsync("5", Name, concurrency, window, async (_, token) =>
        {
            var (failure, id) = await SubmitAsync(token);
            if (failure is null && window.Contains(Stopwatch.GetTimestamp()))
            {
                finished.Add(id);
            }

            return failure;
        }, cancellationToken);

        var expected = finished.ToHashSet();
        var deadline = Stopwatch.GetTimestamp() + (long)(Grace.TotalSeconds * Stopwatch.Frequency);
        while (subscribers.Any(s => !s.HasAll(expected)) && Stopwatch.GetTimestamp() < deadline)
        {
            await Task.Delay(50, cancellationToken);
        }

        await stop.CancelAsync();
        await Task.WhenAll(reading);

        var histogram = new LatencyHistogram();
        long missing = 0;
        var samples = new List<string>(producers.ErrorSamples ?? []);
        foreach (var subscriber in subscribers)
        {
            missing += subscriber.Record(expected, histogram);
            if (subscriber.Failure is { } failure && samples.Count < 5)
            {
                samples.Add(failure);
            }
        }

        if (missing > 0)
        {
            samples.Add($"{missing} deliveries of step.succeeded never arrived within {Grace.TotalSeconds:F0} s");
        }

        var summary = histogram.Summarize();
        var seconds = Context.Options.Duration.TotalSeconds;
        return new Measurement("5", Name, concurrency, seconds, summary.Count, producers.Errors + missing,
            Math.Round(summary.Count / seconds, 1), summary,
            Note: $"{count} subscribers; {concurrency} producer(s) at {producers.Throughput.ToString(CultureInfo.InvariantCulture)} tasks/s; " +
                  "throughput = deliveries/s",
            ErrorSamples: samples);
    }

    /// <summary>One SSE connection: records, per task, how long its step.succeeded event took to arrive.</summary>
    private sealed class Subscriber
    {
        private readonly ConcurrentDictionary<Guid, long> _delayMicroseconds = new();
        private Stream? _stream;
        private HttpResponseMessage? _response;

        public string? Failure { get; private set; }

        public async Task OpenAsync(HttpClient client, string url, CancellationToken cancellationToken)
        {
            var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.Accept.ParseAdd("text/event-stream");
            _response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            _response.EnsureSuccessStatusCode();
            // The LoggingService subscribes before it sends the headers, so from here on no event is missed.
            _stream = await _response.Content.ReadAsStreamAsync(cancellationToken);
        }

        public async Task ReadAsync(CancellationToken cancellationToken)
        {
            using var response = _response;
            using var reader = new StreamReader(_stream!);
            string? type = null;
            try
            {
                while (await reader.ReadLineAsync(cancellationToken) is { } line)
                {
                    if (line.StartsWith("event: ", StringComparison.Ordinal))
                    {
                        type = line[7..];
                    }
                    else if (line.StartsWith("data: ", StringComparison.Ordinal) && type == "step.succeeded")
                    {
                        // Only the events that are measured are parsed, so 100 readers stay cheap for the machine.
                        var arrived = DateTimeOffset.UtcNow;
                        using var data = JsonDocument.Parse(line.AsMemory(6));
                        var at = data.RootElement.GetProperty("at").GetDateTimeOffset();
                        var taskId = data.RootElement.GetProperty("taskId").GetGuid();
                        _delayMicroseconds[taskId] = (long)(arrived - at).TotalMicroseconds;
                    }
                    else if (line.Length == 0)
                    {
                        type = null;
                    }
                }

                if (!cancellationToken.IsCancellationRequested)
                {
                    Failure = "the server ended an SSE stream";
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // The run is over.
            }
            catch (Exception ex) when (ex is IOException or HttpRequestException or JsonException)
            {
                Failure = $"SSE stream broke: {ex.Message}";
            }
        }

        public bool HasAll(IEnumerable<Guid> tasks) => Failure is not null || tasks.All(_delayMicroseconds.ContainsKey);

        /// <summary>Adds the delays of the expected tasks; returns how many of them never arrived.</summary>
        public long Record(IEnumerable<Guid> tasks, LatencyHistogram histogram)
        {
            long missing = 0;
            foreach (var task in tasks)
            {
                if (_delayMicroseconds.TryGetValue(task, out var delay))
                {
                    histogram.RecordMicroseconds(delay);
                }
                else
                {
                    missing++;
                }
            }

            return missing;
        }
    }
}
