using System.Diagnostics;
using OpenTelemetry;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Drops database and Redis client spans that start a trace of their own: those are the polls of idle loops (the task
/// worker's claim, the outbox relay, the log consumer), thousands an hour, each a one-span trace that buried the real
/// ones in the dashboard's trace list. A command made for a request or a task runs under that trace's span and is kept.
/// Clearing Recorded at the start is enough: the export processors skip activities that are not recorded.
/// </summary>
public sealed class IdlePollSpanFilter : BaseProcessor<Activity>
{
    /// <summary>Npgsql's ActivitySource and StackExchange.Redis' instrumentation.</summary>
    public static readonly string[] ClientSources = ["Npgsql", "OpenTelemetry.Instrumentation.StackExchangeRedis"];

    public override void OnStart(Activity data)
    {
        if (data.Parent is null && data.ParentSpanId == default && Array.IndexOf(ClientSources, data.Source.Name) >= 0)
        {
            data.ActivityTraceFlags &= ~ActivityTraceFlags.Recorded;
            data.IsAllDataRequested = false;
        }
    }
}
