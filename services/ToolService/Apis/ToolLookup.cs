using AgentOrchestration.ToolService.Infrastructure;
using AgentOrchestration.ToolService.Model;
using Microsoft.EntityFrameworkCore;

namespace AgentOrchestration.ToolService.Apis;

public static class ToolLookup
{
    public static Task<Tool?> FindToolAsync(this ToolsDbContext db, string idOrName, bool tracking, CancellationToken cancellationToken)
    {
        var tools = tracking ? db.Tools : db.Tools.AsNoTracking();
        return Guid.TryParse(idOrName, out var id)
            ? tools.FirstOrDefaultAsync(t => t.Id == id, cancellationToken)
            : tools.FirstOrDefaultAsync(t => t.Name == idOrName, cancellationToken);
    }
}
