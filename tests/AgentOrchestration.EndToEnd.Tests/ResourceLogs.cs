using System.Runtime.CompilerServices;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;

namespace AgentOrchestration.EndToEnd.Tests;

/// <summary>Everything the app's resources (every replica) have written to their console so far.</summary>
internal static class ResourceLogs
{
    public static async Task<List<string>> CollectAsync(DistributedApplication app, TimeSpan window)
    {
        var ids = new HashSet<string>();
        using (var listing = new CancellationTokenSource(TimeSpan.FromSeconds(2)))
        {
            await foreach (var resource in Swallow(app.ResourceNotifications.WatchAsync(listing.Token)))
            {
                ids.Add(resource.ResourceId);
            }
        }

        var loggers = app.Services.GetRequiredService<ResourceLoggerService>();
        var lines = new List<string>();
        foreach (var id in ids)
        {
            using var reading = new CancellationTokenSource(window);
            await foreach (var batch in Swallow(loggers.WatchAsync(id), reading.Token))
            {
                lines.AddRange(batch.Select(line => $"{id}: {line.Content}"));
            }
        }

        return lines;
    }

    /// <summary>Reads until the token stops it: the streams never end on their own.</summary>
    private static async IAsyncEnumerable<T> Swallow<T>(IAsyncEnumerable<T> source, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var enumerator = source.GetAsyncEnumerator(cancellationToken);
        while (true)
        {
            bool moved;
            try
            {
                moved = await enumerator.MoveNextAsync();
            }
            catch (OperationCanceledException)
            {
                yield break;
            }

            if (!moved)
            {
                yield break;
            }

            yield return enumerator.Current;
        }
    }
}
