using System.Net;
using System.Text;

namespace AgentOrchestration.EndToEnd.Tests;

/// <summary>
/// Thousands of random and mutated bodies at every public write endpoint: every answer is a 2xx or a 4xx problem,
/// never a 500, and each arrives within a bound. Seeds keep tool URLs on the allow-listed loopback address.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class FuzzTests(AppHostFixture fixture)
{
    private static readonly (string Method, string Path, string Seed)[] Endpoints =
    [
        ("POST", "/register-agent", """{"name":"fuzz-a","tools":["echo"],"description":"d","labels":{"k":"v"}}"""),
        ("POST", "/agents", """{"name":"fuzz-b","status":"active","tools":["math.add"]}"""),
        ("PATCH", "/agents/fuzz-a", """{"description":"x","status":"inactive","tools":["echo"]}"""),
        ("POST", "/execute-task", """{"agent":"fuzz-a","steps":[{"id":"a","tool":"echo","arguments":{"text":"{{input.x}}"},"retry":{"maxAttempts":2,"backoffMs":1}},{"id":"b","tool":"echo","dependsOn":["a"],"arguments":{"text":"{{steps.a.output.text}}"}}],"input":{"x":"y"},"timeoutMs":2000}"""),
        ("POST", "/tools", """{"name":"fuzz.tool","description":"d","kind":"http","inputSchema":{"type":"object"},"http":{"url":"http://127.0.0.2:9/x","method":"POST","headers":{"A":"b"}},"timeoutMs":100}"""),
        ("POST", "/tools/echo/invoke", """{"agent":"fuzz-a","arguments":{"text":"hi"}}"""),
        ("POST", "/tools/lookup", """{"names":["echo","math.add"]}"""),
        ("POST", "/api-keys", """{"name":"fuzz","role":"viewer"}"""),
        ("POST", "/mcp", """{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","arguments":{"text":"x"}}}"""),
    ];

    [Fact]
    public async Task RandomAndMutatedBodiesNeverCauseA500()
    {
        var random = new Random(20261129);
        using var api = fixture.CreateApiClient();
        api.Timeout = TimeSpan.FromSeconds(30);
        var failures = new List<string>();
        var count = 0;

        await Parallel.ForEachAsync(Enumerable.Range(0, 2400), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) =>
        {
            int n;
            string body;
            (string Method, string Path, string Seed) endpoint;
            lock (random)
            {
                endpoint = Endpoints[random.Next(Endpoints.Length)];
                body = i % 3 == 0 ? RandomBytes(random) : Mutate(endpoint.Seed, random);
                n = ++count;
            }

            var request = new HttpRequestMessage(new HttpMethod(endpoint.Method), endpoint.Path)
            {
                Content = new StringContent(body, Encoding.UTF8, "application/json"),
            };
            request.Headers.Accept.ParseAdd("application/json");
            request.Headers.Accept.ParseAdd("text/event-stream");
            request.Headers.TryAddWithoutValidation("Prefer", "respond-async");
            using var response = await api.SendAsync(request);
            if ((int)response.StatusCode >= 500)
            {
                var answer = await response.Content.ReadAsStringAsync();
                lock (failures)
                {
                    failures.Add($"{endpoint.Method} {endpoint.Path} {body} → {(int)response.StatusCode} {answer}");
                }
            }
        });

        Assert.Equal(2400, count);
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(5)));
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("/status")).StatusCode);
    }

    private static string RandomBytes(Random random)
    {
        var bytes = new byte[random.Next(0, 200)];
        random.NextBytes(bytes);
        return Encoding.UTF8.GetString(bytes);
    }

    /// <summary>Flips, deletes, duplicates and inserts characters and JSON tokens at random positions.</summary>
    private static string Mutate(string seed, Random random)
    {
        string[] tokens = ["{", "}", "[", "]", "\"", ":", ",", "null", "true", "-1", "1e309", "\"\\u0000\"", "{{", "}}", "\"a\":", new string('9', 30), "\"\\ud800\""];
        var text = new StringBuilder(seed);
        for (var edits = random.Next(1, 6); edits > 0 && text.Length > 0; edits--)
        {
            var at = random.Next(text.Length);
            switch (random.Next(4))
            {
                case 0: text.Remove(at, Math.Min(random.Next(1, 8), text.Length - at)); break;
                case 1: text.Insert(at, tokens[random.Next(tokens.Length)]); break;
                case 2: text[at] = (char)random.Next(32, 127); break;
                default: text.Insert(at, text.ToString(at, Math.Min(random.Next(1, 20), text.Length - at))); break;
            }
        }

        return text.ToString();
    }
}
