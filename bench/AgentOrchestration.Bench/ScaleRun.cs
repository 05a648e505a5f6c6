using AgentOrchestration.Bench.Load;
using AgentOrchestration.Bench.Scenarios;
using AgentOrchestration.Bench.Stats;

namespace AgentOrchestration.Bench;

/// <summary>
/// Scenario 2 at the highest concurrency on a second system that runs one TaskService replica, measured after the
/// main system's scenarios (which stays up, idle, its background polls included) so the two rows differ only in the replica count.
/// </summary>
public static class ScaleRun
{
    public const string Id = "2·1r";

    public static async Task<Measurement> MeasureOneReplicaAsync(
        string adminKey, BenchOptions options, string runId, CancellationToken cancellationToken)
    {
        Console.WriteLine("Scale: scenario 2 again on a system with one TaskService replica");
        await using var single = await SystemUnderTest.StartAsync(adminKey, withWeb: false, options.Verbose, taskReplicas: 1, cancellationToken);
        using var api = HttpClients.Create(single.ApiBase, adminKey);
        var scenario = new EchoTaskScenario(new ScenarioContext(api, single.ApiBase, adminKey, options, runId));
        await scenario.SetupAsync(cancellationToken);
        // A fresh system's first tasks pay for JIT and connection pools; the main system paid that in earlier scenarios.
        _ = await scenario.MeasureAsync(1, cancellationToken);
        _ = await scenario.MeasureAsync(options.Concurrency.Max(), cancellationToken);
        var measured = await scenario.MeasureAsync(options.Concurrency.Max(), cancellationToken);
        return measured with { Id = Id, Name = "POST /execute-task echo, 1 TaskService replica" };
    }
}
