using AgentOrchestration.AgentService.Apis;
using AgentOrchestration.AgentService.Infrastructure;
using AgentOrchestration.AgentService.Model;
using AgentOrchestration.ServiceCommon;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace AgentOrchestration.AgentService.Services;

/// <summary>A committed write of an agent, or the problem that stopped it (nothing was written).</summary>
public sealed record LockedWrite(Agent? Agent, ProblemHttpResult? Problem);

public static class LockedWrites
{
    /// <summary>
    /// Reads the agent under its row lock, checks If-Match against the version it holds now, applies the change and
    /// commits. Concurrent writers wait for each other rather than losing to a version bump they could not see.
    /// Runs inside the execution strategy, so a transient failure retries the whole transaction.
    /// </summary>
    public static Task<LockedWrite> WriteLockedAsync(
        this AgentsDbContext db, string idOrName, HttpRequest request, Action<Agent> change, CancellationToken cancellationToken) =>
        db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var agent = await db.FindForUpdateAsync(idOrName, cancellationToken);
            if (agent is null)
            {
                return new LockedWrite(null, Problems.NotFound("Agent", idOrName));
            }

            if (!Preconditions.IfMatchAllows(request, agent.ToResponse().ETag))
            {
                return new LockedWrite(null, AgentProblems.StaleETag(agent.ToResponse().ETag));
            }

            change(agent);
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateException ex) when (ex.IsUniqueViolation(out _))
            {
                return new LockedWrite(null, AgentProblems.NameTaken(agent.Name));
            }

            await transaction.CommitAsync(cancellationToken);
            return new LockedWrite(agent, null);
        });
}
