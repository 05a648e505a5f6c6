using System.Text.Json;

namespace AgentOrchestration.EndToEnd.Tests.Adversarial;

/// <summary>Thrown for a broken invariant, so CsCheck shrinks the sample and reports it with its seed.</summary>
public sealed class InvariantViolation(string message) : Exception(message);

/// <summary>
/// What every answer of the public API must be, whatever the input: some answer within the bound (no hang), never a
/// 5xx (every dependency is up here, so not even 503), and every 4xx an RFC 9457 problem with a stable code.
/// </summary>
public static class Invariants
{
    /// <param name="target">The request's path and query, for the one answer the application cannot shape (see below).</param>
    public static string? Check(Answer answer, string? target = null)
    {
        if (answer.TimedOut)
        {
            return answer.Failure;
        }

        if (answer.Status >= 500)
        {
            return $"{answer.Status}: {Answer.Excerpt(answer.Body)}";
        }

        // Kestrel itself refuses a request line whose path decodes to a NUL, before any middleware runs, with an empty
        // 400: no application code can make that a problem. The same NUL in a query string does reach the application.
        if (answer.Status == 400 && answer.Body.Length == 0 && answer.MediaType is null && target?.Split('?')[0].Contains("%00", StringComparison.Ordinal) == true)
        {
            return null;
        }

        if (answer.Status is >= 400 and < 500)
        {
            if (answer.MediaType != "application/problem+json")
            {
                return $"{answer.Status} is not a problem (Content-Type {answer.MediaType ?? "none"}): {Answer.Excerpt(answer.Body)}";
            }

            try
            {
                using var problem = JsonDocument.Parse(answer.Body);
                if (problem.RootElement.ValueKind != JsonValueKind.Object
                    || !problem.RootElement.TryGetProperty("code", out var code) || code.ValueKind != JsonValueKind.String)
                {
                    return $"{answer.Status} problem without a code: {Answer.Excerpt(answer.Body)}";
                }
            }
            catch (JsonException)
            {
                return $"{answer.Status} problem+json that is not JSON: {Answer.Excerpt(answer.Body)}";
            }
        }

        return null;
    }

    /// <summary>The problem's code, for the tally of answers (null when the answer is not a problem).</summary>
    public static string? CodeOf(Answer answer)
    {
        if (answer.MediaType != "application/problem+json")
        {
            return null;
        }

        try
        {
            using var problem = JsonDocument.Parse(answer.Body);
            return problem.RootElement.TryGetProperty("code", out var code) ? code.ToString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
