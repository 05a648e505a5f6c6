using AgentOrchestration.AgentService.Infrastructure;
using AgentOrchestration.AgentService.Services;

namespace AgentOrchestration.AgentService.Apis;

/// <summary>What the agent handlers need, bound in one piece with [AsParameters].</summary>
public sealed record AgentServices(AgentsDbContext Db, AgentChangePublisher Publisher, TimeProvider Clock);
