using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace AgentOrchestration.TaskService.Tests;

/// <summary>ServiceDefaults' filter: a database command outside any trace (an idle poll) exports no span; one inside a task's trace does.</summary>
[Collection(OutboxCollection.Name)]
public sealed class IdlePollSpanFilterTests(OutboxFixture fixture)
{
    private static readonly ActivitySource Work = new("AgentOrchestration.Tests.Work");

    [Fact]
    public async Task AParentlessDatabaseCommandExportsNoSpanWhileOneUnderATaskSpanIsKept()
    {
        var exported = new List<Activity>();
        using var tracing = Sdk.CreateTracerProviderBuilder()
            .AddSource("Npgsql", Work.Name)
            .AddProcessor(new IdlePollSpanFilter())
            .AddProcessor(new SimpleActivityExportProcessor(new Collector(exported)))
            .Build();
        await using var connection = new NpgsqlConnection(fixture.Postgres.ConnectionString("postgres"));
        await connection.OpenAsync();

        await new NpgsqlCommand("SELECT 1 AS idle_poll", connection).ExecuteScalarAsync();
        using (Work.StartActivity("task"))
        {
            await new NpgsqlCommand("SELECT 2 AS task_work", connection).ExecuteScalarAsync();
        }

        tracing!.ForceFlush();
        var database = exported.Where(a => a.Source.Name == "Npgsql").ToList();
        var kept = Assert.Single(database);
        Assert.Equal("task", kept.Parent?.OperationName);
        Assert.Contains(exported, a => a.OperationName == "task");
    }

    private sealed class Collector(List<Activity> exported) : BaseExporter<Activity>
    {
        public override ExportResult Export(in Batch<Activity> batch)
        {
            foreach (var activity in batch)
            {
                exported.Add(activity);
            }

            return ExportResult.Success;
        }
    }
}
