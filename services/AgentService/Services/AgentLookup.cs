using AgentOrchestration.AgentService.Infrastructure;
using AgentOrchestration.AgentService.Model;
using AgentOrchestration.ServiceCommon.Contracts;
using Microsoft.EntityFrameworkCore;

namespace AgentOrchestration.AgentService.Services;

public static class AgentLookup
{
    /// <summary>Finds an agent by its UUID or, failing that, by its (case-insensitive) name.</summary>
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
}
