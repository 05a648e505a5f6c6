using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace AgentOrchestration.LoggingService.Infrastructure;

/// <summary>Lets `dotnet ef migrations add` build the model without the Aspire-provided connection string.</summary>
public sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<LogsDbContext>
{
    public LogsDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<LogsDbContext>().UseNpgsql("Host=localhost;Database=design").Options);
}
