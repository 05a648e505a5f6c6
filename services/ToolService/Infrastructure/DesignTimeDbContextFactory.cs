using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace AgentOrchestration.ToolService.Infrastructure;

/// <summary>Lets No project was found. Change the current working directory or use the --project option. build the model without the Aspire-provided connection string.</summary>
public sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<ToolsDbContext>
{
    public ToolsDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<ToolsDbContext>().UseNpgsql("Host=localhost;Database=design").Options);
}
