using System.Text.Json;
using System.Text.Json.Nodes;

namespace AgentOrchestration.EndToEnd.Tests.Dashboard;

/// <summary>
/// The dashboard's API types are generated from documents committed in web/openapi/, so the build never needs a
/// running system. This test is what keeps them honest: it fails when what the gateway serves has drifted.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class OpenApiSnapshotTests(AppHostFixture fixture)
{
    private const string Refresh =
        "Refresh them: start the system (./run.sh), then `cd web && npm run generate:api -- http://localhost:8080`, " +
        "and commit web/openapi/ and web/src/api/generated/.";

    [Theory]
    [InlineData("/openapi/v1.json", "api.json")]
    [InlineData("/openapi/agents.json", "agents.json")]
    [InlineData("/openapi/tools.json", "tools.json")]
    [InlineData("/openapi/tasks.json", "tasks.json")]
    [InlineData("/openapi/logging.json", "logging.json")]
    [InlineData("/schemas/task.json", "task-schema.json")]
    public async Task CommittedSnapshotMatchesWhatTheGatewayServes(string path, string snapshot)
    {
        var response = await fixture.Api.GetAsync(path);
        Assert.True(response.IsSuccessStatusCode, $"GET {path} answered {(int)response.StatusCode}");
        var live = Canonical(JsonNode.Parse(await response.Content.ReadAsStringAsync()));
        var committed = Canonical(JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(RepositoryRoot(), "web", "openapi", snapshot))));

        Assert.True(live == committed, $"web/openapi/{snapshot} differs from GET {path}. {Refresh}\n{FirstDifference(committed, live)}");
    }

    /// <summary>Sorted keys and no "servers" (the host that served it, which differs per run), as one indented string.</summary>
    private static string Canonical(JsonNode? node) =>
        Sort(node, isRoot: true)?.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) ?? "null";

    private static JsonNode? Sort(JsonNode? node, bool isRoot = false) => node switch
    {
        JsonObject o => new JsonObject(o
            .Where(p => !(isRoot && p.Key == "servers"))
            .OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => KeyValuePair.Create(p.Key, Sort(p.Value)))),
        JsonArray a => new JsonArray([.. a.Select(item => Sort(item))]),
        _ => node?.DeepClone(),
    };

    private static string FirstDifference(string expected, string actual)
    {
        var e = expected.Split('\n');
        var a = actual.Split('\n');
        for (var i = 0; i < Math.Max(e.Length, a.Length); i++)
        {
            var left = i < e.Length ? e[i].Trim() : "<end>";
            var right = i < a.Length ? a[i].Trim() : "<end>";
            if (left != right)
            {
                return $"First difference at line {i + 1}: committed `{left}`, served `{right}`.";
            }
        }

        return string.Empty;
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "AgentOrchestration.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No AgentOrchestration.sln above {AppContext.BaseDirectory}.");
    }
}
