using System.Globalization;

namespace AgentOrchestration.TaskService.Apis;

/// <summary>RFC 7240 preferences for POST /execute-task: "respond-async" and "wait=N" (seconds).</summary>
public static class PreferHeader
{
    public static (bool RespondAsync, TimeSpan Wait) Parse(string? header, TimeSpan defaultWait, TimeSpan maxWait)
    {
        var respondAsync = false;
        var wait = defaultWait;
        foreach (var preference in (header ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (preference.Equals("respond-async", StringComparison.OrdinalIgnoreCase))
            {
                respondAsync = true;
            }
            else if (preference.StartsWith("wait=", StringComparison.OrdinalIgnoreCase)
                     && double.TryParse(preference[5..], NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0)
            {
                wait = TimeSpan.FromSeconds(Math.Min(seconds, maxWait.TotalSeconds));
            }
        }

        return (respondAsync, wait);
    }
}
