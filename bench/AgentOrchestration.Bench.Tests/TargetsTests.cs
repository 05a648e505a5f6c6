using AgentOrchestration.Bench.Memory;
using AgentOrchestration.Bench.Report;
using AgentOrchestration.Bench.Stats;

namespace AgentOrchestration.Bench.Tests;

public sealed class TargetsTests
{
    private static Measurement Row(string id, int concurrency, double throughput, double p95 = 1, double p99 = 1, long errors = 0) =>
        new(id, id, concurrency, 8, (long)(throughput * 8), errors, throughput, new LatencySummary(1, 1, 1, p95, p99, p99));

    [Fact]
    public void ScenarioTwoIsJudgedAgainstBaselineBAtSixteen()
    {
        IReadOnlyList<Measurement> rows = [Row("B", 16, 1000), Row("2", 16, 250, p99: 40), Row("B", 1, 100), Row("2", 1, 1)];

        var results = Targets.Evaluate(rows, [new ProcessMemory("ApiService", 1, 100, 120)], taskReplicas: 2);

        Assert.Equal("PASS", results.Single(r => r.Target.StartsWith("Scenario 2 throughput", StringComparison.Ordinal)).Verdict);
        Assert.Equal("PASS", results.Single(r => r.Target.StartsWith("Scenario 2 p99", StringComparison.Ordinal)).Verdict);
        Assert.Equal("n/a", results.Single(r => r.Target.StartsWith("Scenario 4 p95", StringComparison.Ordinal)).Verdict);
        Assert.Equal("PASS", results.Single(r => r.Target.StartsWith("No service", StringComparison.Ordinal)).Verdict);
    }

    [Fact]
    public void TwoReplicasAreJudgedAgainstTheOneReplicaRowAtTheSameConcurrency()
    {
        IReadOnlyList<Measurement> rows = [Row("B", 16, 1000), Row("2", 16, 300), Row(ScaleRun.Id, 16, 200)];
        IReadOnlyList<Measurement> scaled = [Row("B", 16, 1000), Row("2", 16, 330), Row(ScaleRun.Id, 16, 200)];

        Assert.Equal("MISS", Targets.Evaluate(rows, [], taskReplicas: 2).Single(r => r.Target.Contains("replicas", StringComparison.Ordinal)).Verdict);
        Assert.Equal("PASS", Targets.Evaluate(scaled, [], taskReplicas: 2).Single(r => r.Target.Contains("replicas", StringComparison.Ordinal)).Verdict);
    }

    [Fact]
    public void OneErrorOrOneFatProcessIsAMiss()
    {
        IReadOnlyList<Measurement> rows = [Row("B", 16, 1000), Row("2", 16, 100, errors: 1)];

        var results = Targets.Evaluate(rows, [new ProcessMemory("ToolService", 1, 290, 301)], taskReplicas: 2);

        Assert.Equal("MISS", results.Single(r => r.Target.StartsWith("Scenario 2 throughput", StringComparison.Ordinal)).Verdict);
        Assert.Equal("MISS", results.Single(r => r.Target == "No errors in any scenario").Verdict);
        Assert.Equal("MISS", results.Single(r => r.Target.StartsWith("No service", StringComparison.Ordinal)).Verdict);
    }
}
