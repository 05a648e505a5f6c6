using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace AgentOrchestration.TaskService.Infrastructure;

/// <summary>Lets `dotnet ef migrations add` build the model without the Aspire-provided connection string.</summary>
public sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<TasksDbContext>
{
    public TasksDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<TasksDbContext>().UseNpgsql("Host=localhost;Database=design").Options);
}
