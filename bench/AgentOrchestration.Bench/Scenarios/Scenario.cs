using System.Net.Http.Json;
using AgentOrchestration.Bench.Load;
using AgentOrchestration.Bench.Stats;

namespace AgentOrchestration.Bench.Scenarios;

/// <summary>What every scenario shares: the gateway client (admin key), the timing, and a run id for unique names.</summary>
public sealed record ScenarioContext(HttpClient Api, Uri ApiBase, string AdminKey, BenchOptions Options, string RunId)
{
    /// <summary>Registers an agent allowed to use the given tools; names are unique per run.</summary>
    public async Task<string> RegisterAgentAsync(string prefix, string[] tools, CancellationToken cancellationToken)
    {
        var name = $"{prefix}-{RunId}";
        using var response = await Api.PostAsJsonAsync("/register-agent", new { name, tools }, cancellationToken);
        if (await HttpClients.FailureOf(response, cancellationToken) is { } failure)
        {
            throw new InvalidOperationException($"Could not register agent {name}: {failure}");
        }

        return name;
    }
}

/// <summary>One of the six scenarios of issue 9.</summary>
public abstract class Scenario(ScenarioContext context)
{
    protected ScenarioContext Context { get; } = context;

    public abstract int Number { get; }

    public abstract string Name { get; }

    /// <summary>Runs once before the first concurrency level (agents, 10,000 tools…); not measured.</summary>
    public virtual Task SetupAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public abstract Task<Measurement> MeasureAsync(int concurrency, CancellationToken cancellationToken);
}

/// <summary>A scenario that is one request in a closed loop: the load runner does the timing.</summary>
public abstract class RequestScenario(ScenarioContext context) : Scenario(context)
{
    public override async Task<Measurement> MeasureAsync(int concurrency, CancellationToken cancellationToken)
    {
        await BeforeLevelAsync(concurrency, cancellationToken);
        try
        {
            return await LoadRunner.RunAsync(Id, Name, concurrency,
                Context.Options.Warmup, Context.Options.Duration, ExecuteAsync, cancellationToken);
        }
        finally
        {
            await AfterLevelAsync();
        }
    }

    /// <summary>The row id in the report: the number, or a variant of it such as "4h".</summary>
    protected virtual string Id => Number.ToString(System.Globalization.CultureInfo.InvariantCulture);

    protected abstract Task<string?> ExecuteAsync(int worker, CancellationToken cancellationToken);

    protected virtual Task BeforeLevelAsync(int concurrency, CancellationToken cancellationToken) => Task.CompletedTask;

    protected virtual Task AfterLevelAsync() => Task.CompletedTask;
}
