using Microsoft.EntityFrameworkCore;

namespace AgentOrchestration.ApiService.Infrastructure;

/// <summary>The durable task store (tasksdb). Its tables arrive with task execution.</summary>
public sealed class TasksDbContext(DbContextOptions<TasksDbContext> options) : DbContext(options);
