using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace AgentOrchestration.ServiceCommon;

public static class DbExceptions
{
    /// <summary>True when the save failed on a unique index or primary key; names the constraint.</summary>
    public static bool IsUniqueViolation(this DbUpdateException exception, out string? constraint)
    {
        if (exception.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } postgres)
        {
            constraint = postgres.ConstraintName;
            return true;
        }

        constraint = null;
        return false;
    }
}
