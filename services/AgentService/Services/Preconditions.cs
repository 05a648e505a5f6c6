using Microsoft.Net.Http.Headers;

namespace AgentOrchestration.AgentService.Services;

public static class Preconditions
{
    /// <summary>True when If-Match is absent, is "*", or names the current ETag (weak or strong form).</summary>
    public static bool IfMatchAllows(HttpRequest request, string currentETag)
    {
        var values = request.Headers.IfMatch;
        if (values.Count == 0)
        {
            return true;
        }

        if (!EntityTagHeaderValue.TryParseList(values, out var tags))
        {
            return false;
        }

        var current = EntityTagHeaderValue.Parse(currentETag);
        return tags.Any(tag => tag.Equals(EntityTagHeaderValue.Any) || tag.Compare(current, useStrongComparison: false));
    }
}
