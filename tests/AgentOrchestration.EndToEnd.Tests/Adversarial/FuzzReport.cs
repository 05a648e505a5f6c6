using System.Collections.Concurrent;
using CsCheck;
using Xunit.Abstractions;

namespace AgentOrchestration.EndToEnd.Tests.Adversarial;

/// <summary>
/// Runs one CsCheck property per operation and keeps going after a failure, so one run lists every broken
/// operation (each with the seed that replays it: set CsCheck_Seed) and every distinct violation seen on the way,
/// plus a tally of what each operation answered, which shows that the samples reach past the first check.
/// </summary>
public sealed class FuzzReport(ITestOutputHelper output)
{
    private readonly ConcurrentDictionary<string, int> _tally = new();
    private readonly ConcurrentDictionary<string, string> _violations = new();
    private readonly ConcurrentQueue<string> _failures = new();

    public void Count(string operation, Answer answer) =>
        _tally.AddOrUpdate($"{operation} → {answer.Outcome} {Invariants.CodeOf(answer)}", 1, (_, n) => n + 1);

    /// <summary>Records a violation (one example per operation, status and code) and throws it for CsCheck to shrink.</summary>
    public void Fail(string operation, object sample, Answer answer, string violation, string? cause = null)
    {
        var code = Invariants.CodeOf(answer) ?? Answer.Excerpt(answer.Body, 60);
        _violations.TryAdd($"{operation} {answer.Outcome} {code} {cause}", $"{violation}\n      sample: {sample}");
        throw new InvariantViolation($"{operation}: {violation}");
    }

    public async Task RunAsync<T>(string operation, Gen<T> gen, Func<T, Task> property, long iterations, int threads, Func<T, string> print)
    {
        try
        {
            await Check.SampleAsync(gen, property, iter: iterations, threads: threads, print: print);
        }
        catch (Exception e)
        {
            _failures.Enqueue($"{operation}: {Answer.Excerpt(e.Message, 1500)}\n    {e.InnerException?.Message}");
        }
    }

    /// <summary>Writes the tally and the violations to the test output, then fails with every failure listed.</summary>
    public void AssertNoViolations()
    {
        foreach (var (answer, n) in _tally.OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            output.WriteLine($"{n,5} × {answer}");
        }

        var violations = _violations.OrderBy(v => v.Key, StringComparer.Ordinal).Select(v => $"  {v.Key}\n      {v.Value}").ToList();
        Assert.True(_failures.IsEmpty && violations.Count == 0,
            $"{_failures.Count} operations broke an invariant; {violations.Count} distinct violations:\n{string.Join("\n", violations)}\n\nCsCheck (seeds):\n{string.Join("\n\n", _failures)}");
    }
}
