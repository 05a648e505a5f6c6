using System.Text.Json;
using AgentOrchestration.ServiceCommon.Security;
using AgentOrchestration.ToolService.Infrastructure;
using AgentOrchestration.ToolService.Invocation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace AgentOrchestration.ToolService.Mcp;

/// <summary>
/// The registry as an MCP server at /mcp (Streamable HTTP, stateless): tools/list gives the enabled tools and
/// tools/call runs them through the same gate and invoker as the REST API.
/// </summary>
public static class RegistryMcpServer
{
    /// <summary>The calling agent, set by the gateway from the caller's credentials; absent for trusted callers.</summary>
    public const string AgentHeader = "X-Agent";

    public static IServiceCollection AddRegistryMcpServer(this IServiceCollection services)
    {
        services.AddHttpContextAccessor();
        services.AddMcpServer(options => options.ServerInfo = new Implementation { Name = "agent-orchestration", Version = "1.0.0" })
            .WithHttpTransport(options => options.Stateless = true)
            .WithListToolsHandler(ListToolsAsync)
            .WithCallToolHandler(CallToolAsync);
        return services;
    }

    private static async ValueTask<ListToolsResult> ListToolsAsync(RequestContext<ListToolsRequestParams> context, CancellationToken cancellationToken)
    {
        await using var scope = context.Services!.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ToolsDbContext>();
        var agent = CallingAgent(scope.ServiceProvider);
        var tools = db.Tools.AsNoTracking().Where(t => t.Enabled);
        if (agent is not null)
        {
            var grant = await scope.ServiceProvider.GetRequiredService<AgentDirectory>().FindAsync(agent, cancellationToken);
            var allowed = grant?.Tools.ToList() ?? [];
            tools = tools.Where(t => allowed.Contains(t.Name));
        }

        var list = await tools.OrderBy(t => t.Name).ToListAsync(cancellationToken);
        return new ListToolsResult
        {
            Tools = [ToolFinder.Definition, .. list.Select(t => new Tool { Name = t.Name, Description = t.Description, InputSchema = t.InputSchema.RootElement.Clone() })],
        };
    }

    private static async ValueTask<CallToolResult> CallToolAsync(RequestContext<CallToolRequestParams> context, CancellationToken cancellationToken)
    {
        await using var scope = context.Services!.CreateAsyncScope();
        var name = context.Params?.Name ?? throw new McpProtocolException("A tool name is required.", McpErrorCode.InvalidParams);
        if (name == ToolFinder.Name)
        {
            return await FindToolsAsync(scope.ServiceProvider, context.Params.Arguments, cancellationToken);
        }

        var arguments = JsonSerializer.SerializeToElement(context.Params.Arguments ?? new Dictionary<string, JsonElement>());
        var gate = scope.ServiceProvider.GetRequiredService<ToolCallGate>();
        var decision = await gate.CheckAsync(name, CallingAgent(scope.ServiceProvider), arguments, cancellationToken);
        if (decision.Problem is not null)
        {
            var problem = decision.Problem is ProblemHttpResult p ? p.ProblemDetails : null;
            if (problem?.Status == StatusCodes.Status404NotFound)
            {
                throw new McpProtocolException($"Unknown tool: '{name}'.", McpErrorCode.InvalidParams);
            }

            var errors = problem?.Extensions.TryGetValue("errors", out var e) == true ? $" {JsonSerializer.Serialize(e)}" : "";
            return new CallToolResult { IsError = true, Content = [new TextContentBlock { Text = $"{problem?.Title} {problem?.Detail}{errors}".Trim() }] };
        }

        var result = await scope.ServiceProvider.GetRequiredService<ToolInvoker>().InvokeAsync(decision.Tool!, decision.Arguments, cancellationToken);
        if (result.IsError)
        {
            return new CallToolResult { IsError = true, Content = [new TextContentBlock { Text = result.Error ?? "The tool failed." }] };
        }

        var json = result.Output?.GetRawText() ?? "null";
        return new CallToolResult
        {
            Content = [new TextContentBlock { Text = json }],
            StructuredContent = result.Output is { ValueKind: JsonValueKind.Object } output ? output : null,
        };
    }

    /// <summary>find_tools searches only what the caller may call: an agent's granted tools, or every tool for a trusted caller.</summary>
    private static async ValueTask<CallToolResult> FindToolsAsync(
        IServiceProvider services, IDictionary<string, JsonElement>? arguments, CancellationToken cancellationToken)
    {
        IReadOnlyList<string>? allowed = null;
        if (CallingAgent(services) is { } agent)
        {
            var grant = await services.GetRequiredService<AgentDirectory>().FindAsync(agent, cancellationToken);
            allowed = grant?.Tools.ToList() ?? [];
        }

        var given = arguments is null ? null : new Dictionary<string, JsonElement>(arguments);
        return await ToolFinder.FindAsync(given, allowed, services.GetRequiredService<Search.ToolSearch>(), cancellationToken);
    }

    /// <summary>An agent key is always its own agent; an admin chooses one with the X-Agent header (or none: every tool).</summary>
    private static string? CallingAgent(IServiceProvider services)
    {
        var request = services.GetRequiredService<IHttpContextAccessor>().HttpContext?.Request;
        if (request is null)
        {
            return null;
        }

        var caller = Caller.From(request);
        return caller.IsAgent ? caller.AgentId.ToString() : request.Headers[AgentHeader].FirstOrDefault();
    }
}
