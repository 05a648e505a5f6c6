using AgentOrchestration.Bench.Memory;
using AgentOrchestration.Bench.Report;
using AgentOrchestration.Bench.Stats;

namespace AgentOrchestration.Bench.Tests;

public sealed class StatsTests
{
    [Fact]
    public void PercentilesOfOneToOneThousandMillisecondsAreWhereTheyShouldBe()
    {
        var histogram = new LatencyHistogram();
        for (var ms = 1; ms <= 1000; ms++)
        {
            histogram.Record(TimeSpan.FromMilliseconds(ms));
        }

        var summary = histogram.Summarize();
        Assert.Equal(1000, summary.Count);
        // HdrHistogram with 3 significant digits: within 0.1 % of the exact value.
        Assert.InRange(summary.P50Ms, 499.5, 500.5);
        Assert.InRange(summary.P95Ms, 949.0, 951.0);
        Assert.InRange(summary.P99Ms, 989.0, 991.0);
        Assert.InRange(summary.MaxMs, 999.0, 1001.0);
        Assert.InRange(summary.MeanMs, 500.0, 501.0);
    }

    [Fact]
    public void MergedWorkerHistogramsEqualOneHistogramOfEverything()
    {
        var (a, b) = (new LatencyHistogram(), new LatencyHistogram());
        a.RecordMicroseconds(1_000);
        b.RecordMicroseconds(3_000);
        b.RecordMicroseconds(5_000);

        var merged = new LatencyHistogram();
        merged.Add(a);
        merged.Add(b);

        Assert.Equal(3, merged.Count);
        Assert.InRange(merged.Summarize().P50Ms, 2.99, 3.01);
    }

    [Fact]
    public void AnEmptyHistogramSummarizesToZerosAndAbsurdValuesAreClamped()
    {
        Assert.Equal(LatencySummary.Empty, new LatencyHistogram().Summarize());

        var histogram = new LatencyHistogram();
        histogram.RecordMicroseconds(-5);
        histogram.RecordMicroseconds(long.MaxValue);
        Assert.Equal(2, histogram.Count);
    }

    [Theory]
    [InlineData("/repo/services/ApiService/bin/Release/net10.0/AgentOrchestration.ApiService", "ApiService")]
    [InlineData("/usr/bin/dotnet\0/repo/bin/AgentOrchestration.ToolService.dll", "ToolService")]
    [InlineData("dotnet\0run\0--project\0/repo/services/ApiService/AgentOrchestration.ApiService.csproj", null)]
    [InlineData("/usr/lib/postgresql/15/bin/postgres\0-D\0/tmp/x", null)]
    public void ServiceProcessesAreRecognisedByTheirCommandLine(string cmdline, string? service) =>
        Assert.Equal(service, MemorySampler.ServiceOf(cmdline));

    [Fact]
    public void OnlyTheGeneratedBlockOfBenchmarksMdIsReplaced()
    {
        var existing = $"# Benchmarks\n\nintro\n\n{BenchReport.BeginMarker}\nold table\n{BenchReport.EndMarker}\n\n## Analysis\n\nkept\n";
        var generated = $"{BenchReport.BeginMarker}\nnew table\n{BenchReport.EndMarker}\n";

        var spliced = BenchReport.Splice(existing, generated);

        Assert.Contains("new table", spliced);
        Assert.DoesNotContain("old table", spliced);
        Assert.StartsWith("# Benchmarks\n\nintro\n\n", spliced);
        Assert.EndsWith("## Analysis\n\nkept\n", spliced);
    }
}
