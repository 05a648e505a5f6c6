using Microsoft.EntityFrameworkCore;

namespace AgentOrchestration.LoggingService.Infrastructure;

/// <summary>The execution-event store (logsdb). Its tables arrive with the event pipeline.</summary>
public sealed class LogsDbContext(DbContextOptions<LogsDbContext> options) : DbContext(options);
