using System.Net.Http.Json;
using AgentOrchestration.Bench.Load;

namespace AgentOrchestration.Bench.Scenarios;

/// <summary>1 — POST /register-agent with a unique name each time (the gateway checks the tool with the ToolService first).</summary>
public sealed class RegisterAgentScenario(ScenarioContext context) : RequestScenario(context)
{
    private long _counter;

    public override int Number => 1;

    public override string Name => "POST /register-agent";

    protected override async Task<string?> ExecuteAsync(int worker, CancellationToken cancellationToken)
    {
        var name = $"b1-{Context.RunId}-{Interlocked.Increment(ref _counter)}";
        using var response = await Context.Api.PostAsJsonAsync("/register-agent", new { name, tools = new[] { "echo" } }, cancellationToken);
        return await HttpClients.FailureOf(response, cancellationToken);
    }
}
