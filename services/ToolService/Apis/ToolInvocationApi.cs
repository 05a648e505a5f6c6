using System.Text.Json;
using System.Threading.Channels;
using AgentOrchestration.ServiceCommon;
using AgentOrchestration.ServiceCommon.Contracts;
using AgentOrchestration.ServiceCommon.Security;
using AgentOrchestration.ToolService.Invocation;
using AgentOrchestration.ToolService.Model;

namespace AgentOrchestration.ToolService.Apis;

public static class ToolInvocationApi
{
    /// <summary>
    /// Calls a tool as an agent. 200 whenever the tool ran, even if it failed (isError); 4xx when the call was not
    /// allowed to run: unknown tool or agent 404, inactive agent or disabled tool 409, tool not granted 403,
    /// arguments against the schema 422. With <c>Accept: application/x-ndjson</c> an MCP tool's answer streams its
    /// progress as it happens, then the result.
    /// </summary>
    public static async Task<IResult> InvokeTool(
        string name, InvokeToolRequest request, ToolCallGate gate, ToolInvoker invoker, HttpContext http, CancellationToken cancellationToken)
    {
        // An agent key calls tools as its own agent only; naming another agent is forbidden rather than ignored.
        var caller = Caller.From(http.Request);
        if (caller.IsAgent && request.Agent is not null && !caller.IsSelf(request.Agent))
        {
            return Problems.Problem(StatusCodes.Status403Forbidden, "agent_mismatch", "An agent key calls tools only as its own agent.",
                $"This key belongs to '{caller.AgentName}', not '{request.Agent}'.");
        }

        var agent = caller.IsAgent ? caller.AgentId.ToString() : request.Agent;
        if (string.IsNullOrWhiteSpace(agent))
        {
            return Problems.Validation(new Dictionary<string, string[]> { ["/agent"] = ["The calling agent (name or id) is required."] });
        }

        var decision = await gate.CheckAsync(name, agent, request.Arguments, cancellationToken);
        if (decision.Problem is not null)
        {
            return decision.Problem;
        }

        // Only MCP tools report progress while they run; any other call has nothing to stream, so it is answered as one
        // JSON document (the client reads either) instead of the channel and line machinery of NDJSON.
        if (decision.Tool!.Kind != ToolKind.Mcp
            || !http.Request.Headers.Accept.ToString().Contains(InvocationLine.MediaType, StringComparison.OrdinalIgnoreCase))
        {
            return TypedResults.Ok(await invoker.InvokeAsync(decision.Tool!, decision.Arguments, cancellationToken,
                singleAttempt: request.SingleAttempt));
        }

        await StreamAsync(http.Response, invoker, decision, request.SingleAttempt, cancellationToken);
        return Results.Empty;
    }

    private static async Task StreamAsync(HttpResponse response, ToolInvoker invoker, GateDecision decision, bool singleAttempt,
        CancellationToken cancellationToken)
    {
        response.ContentType = InvocationLine.MediaType;
        var lines = Channel.CreateUnbounded<InvocationLine>(new UnboundedChannelOptions { SingleReader = true });
        var call = Task.Run(async () =>
        {
            try
            {
                var result = await invoker.InvokeAsync(decision.Tool!, decision.Arguments, cancellationToken,
                    line => lines.Writer.TryWrite(line), singleAttempt);
                lines.Writer.TryWrite(new InvocationLine(null, result));
            }
            finally
            {
                lines.Writer.TryComplete();
            }
        }, cancellationToken);

        await foreach (var line in lines.Reader.ReadAllAsync(cancellationToken))
        {
            await response.WriteAsync(JsonSerializer.Serialize(line, JsonSerializerOptions.Web) + "\n", cancellationToken);
            await response.Body.FlushAsync(cancellationToken);
        }

        await call;
    }
}
