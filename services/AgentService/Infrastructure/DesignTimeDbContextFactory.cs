using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace AgentOrchestration.AgentService.Infrastructure;

/// <summary>Lets <c>dotnet ef</c> build the model without the Aspire-provided connection string.</summary>
public sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<AgentsDbContext>
{
    public AgentsDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<AgentsDbContext>().UseNpgsql("Host=localhost;Database=design").Options);
}
