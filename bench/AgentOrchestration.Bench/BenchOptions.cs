using System.Globalization;

namespace AgentOrchestration.Bench;

/// <summary>
/// What one run measures and for how long. Every knob has a default that fits the 2-core machine in a few minutes;
/// pass e.g. <c>--duration=5 --concurrency=1,16 --scenarios=2,3</c> for a quicker look.
/// </summary>
public sealed record BenchOptions
{
    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(2);

    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(8);

    public IReadOnlyList<int> Concurrency { get; init; } = [1, 16, 64];

    /// <summary>Scenario numbers 1–6 as in issue 9; the baselines always run, every ratio needs them.</summary>
    public IReadOnlySet<int> Scenarios { get; init; } = new HashSet<int> { 1, 2, 3, 4, 5, 6 };

    /// <summary>HTTP tools registered before the search scenario.</summary>
    public int SearchTools { get; init; } = 10_000;

    /// <summary>Concurrent SSE subscribers of the log-streaming scenario.</summary>
    public int Subscribers { get; init; } = 100;

    /// <summary>Where latest.json goes; BENCHMARKS.md is written at the repository root.</summary>
    public string ResultsDir { get; init; } = Path.Combine("bench", "results");

    public string MarkdownPath { get; init; } = "BENCHMARKS.md";

    /// <summary>Keep the Vite dev server of the dashboard in the model (off: it is not on any measured path and costs CPU).</summary>
    public bool WithWeb { get; init; }

    /// <summary>Show the services' logs and Aspire's start-up chatter.</summary>
    public bool Verbose { get; init; }

    /// <summary>
    /// Keep the started system up this long after the baselines instead of running the scenarios, printing how to
    /// reach it: for profiling with dotnet-counters, dotnet-trace or psql against exactly what the benchmark measures.
    /// </summary>
    public TimeSpan Hold { get; init; }

    /// <summary>
    /// TaskService replicas of the main system (as in run mode, 2). With <see cref="Scale"/>, scenario 2 is measured
    /// again on a second system with one replica, so the report shows what the second replica adds.
    /// </summary>
    public int TaskReplicas { get; init; } = 2;

    public bool Scale { get; init; } = true;

    public static BenchOptions Parse(string[] args)
    {
        var options = new BenchOptions();
        foreach (var arg in args)
        {
            var (key, value) = arg.Split('=', 2) is [var k, var v] ? (k, v) : (arg, "true");
            options = key switch
            {
                "--warmup" => options with { Warmup = Seconds(value) },
                "--duration" => options with { Duration = Seconds(value) },
                "--concurrency" => options with { Concurrency = Ints(value) },
                "--scenarios" => options with { Scenarios = Ints(value).ToHashSet() },
                "--tools" => options with { SearchTools = int.Parse(value, CultureInfo.InvariantCulture) },
                "--subscribers" => options with { Subscribers = int.Parse(value, CultureInfo.InvariantCulture) },
                "--results" => options with { ResultsDir = value },
                "--markdown" => options with { MarkdownPath = value },
                "--with-web" => options with { WithWeb = bool.Parse(value) },
                "--verbose" => options with { Verbose = bool.Parse(value) },
                "--hold" => options with { Hold = Seconds(value) },
                "--task-replicas" => options with { TaskReplicas = int.Parse(value, CultureInfo.InvariantCulture) },
                "--scale" => options with { Scale = bool.Parse(value) },
                "--help" or "-h" => throw new ArgumentException(Usage),
                _ => throw new ArgumentException($"Unknown option '{arg}'.\n{Usage}"),
            };
        }

        if (options.TaskReplicas < 1)
        {
            throw new ArgumentException("--task-replicas needs at least 1.");
        }

        if (options.Concurrency.Count == 0 || options.Concurrency.Any(c => c < 1))
        {
            throw new ArgumentException("--concurrency needs positive numbers, e.g. 1,16,64.");
        }

        return options;
    }

    public const string Usage = """
        Usage: ./bench.sh [--duration=8] [--warmup=2] [--concurrency=1,16,64] [--scenarios=1,2,3,4,5,6]
                          [--tools=10000] [--subscribers=100] [--results=bench/results] [--markdown=BENCHMARKS.md] [--with-web]
                          [--verbose] [--hold=SECONDS (keep the system up for profiling, no scenarios)]
                          [--task-replicas=2] [--scale=true (scenario 2 again on a 1-replica system)]
        """;

    private static TimeSpan Seconds(string value) => TimeSpan.FromSeconds(double.Parse(value, CultureInfo.InvariantCulture));

    private static int[] Ints(string value) =>
        value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(v => int.Parse(v, CultureInfo.InvariantCulture)).ToArray();
}
