using AgentOrchestration.ServiceCommon;
using AgentOrchestration.ServiceCommon.Contracts;
using AgentOrchestration.ToolService.Invocation;

namespace AgentOrchestration.ToolService.Apis;

public static class ToolInvocationApi
{
    /// <summary>
    /// Calls a tool as an agent. 200 whenever the tool ran, even if it failed (isError); 4xx when the call was not
    /// allowed to run: unknown tool or agent 404, inactive agent or disabled tool 409, tool not granted 403,
    /// arguments against the schema 422.
    /// </summary>
    public static async Task<IResult> InvokeTool(
        string name, InvokeToolRequest request, ToolCallGate gate, ToolInvoker invoker, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.Agent))
        {
            return Problems.Validation(new Dictionary<string, string[]> { ["/agent"] = ["The calling agent (name or id) is required."] });
        }

        var decision = await gate.CheckAsync(name, request.Agent, request.Arguments, cancellationToken);
        if (decision.Problem is not null)
        {
            return decision.Problem;
        }

        return TypedResults.Ok(await invoker.InvokeAsync(decision.Tool!, decision.Arguments, cancellationToken));
    }
}
