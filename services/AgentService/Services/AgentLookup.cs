using AgentOrchestration.AgentService.Infrastructure;
using AgentOrchestration.AgentService.Model;
using AgentOrchestration.ServiceCommon.Contracts;
using Microsoft.EntityFrameworkCore;

namespace AgentOrchestration.AgentService.Services;

/// <summary>
/// One rule for "id or name": a reference that parses as a UUID (any form Guid.TryParse reads) is an id and only an
/// id; anything else is a name. Names that parse as ids are refused (<see cref="AgentRules.LooksLikeId"/>), so a
/// reference never means two agents.
/// </summary>
public static class AgentLookup
{
    public static Task<Agent?> FindAsync(this AgentsDbContext db, string idOrName, CancellationToken cancellationToken, bool tracking = false)
    {
        var agents = tracking ? db.Agents : db.Agents.AsNoTracking();
        if (Guid.TryParse(idOrName, out var id))
        {
            return agents.FirstOrDefaultAsync(a => a.Id == id, cancellationToken);
        }

        var name = AgentRules.NormalizeName(idOrName);
        return agents.FirstOrDefaultAsync(a => a.Name == name, cancellationToken);
    }

    /// <summary>
    /// The agent, tracked and locked (SELECT ... FOR UPDATE) until the current transaction ends, so concurrent writers
    /// of one agent take turns instead of failing on each other's version.
    /// </summary>
    public static Task<Agent?> FindForUpdateAsync(this AgentsDbContext db, string idOrName, CancellationToken cancellationToken)
    {
        if (Guid.TryParse(idOrName, out var id))
        {
            return db.Agents.FromSql($"SELECT * FROM agents WHERE id = {id} FOR UPDATE").FirstOrDefaultAsync(cancellationToken);
        }

        var name = AgentRules.NormalizeName(idOrName);
        return db.Agents.FromSql($"SELECT * FROM agents WHERE name = {name} FOR UPDATE").FirstOrDefaultAsync(cancellationToken);
    }
}
