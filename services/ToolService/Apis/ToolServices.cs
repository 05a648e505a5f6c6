using AgentOrchestration.ToolService.Infrastructure;
using AgentOrchestration.ToolService.Invocation;
using AgentOrchestration.ToolService.Search;

namespace AgentOrchestration.ToolService.Apis;

/// <summary>What the tool handlers need, bound in one piece with [AsParameters].</summary>
public sealed record ToolServices(
    ToolsDbContext Db,
    SecretProtector Secrets,
    ToolSearch Search,
    AgentDirectory Agents,
    TimeProvider Clock);
