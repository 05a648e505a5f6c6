using System.Net;
using System.Net.Http.Json;

namespace AgentOrchestration.AgentService.Tests;

/// <summary>An agent reference means one agent: names that read as ids are refused, and regexes do not accept "\n".</summary>
[Collection(AgentServiceCollection.Name)]
public sealed class AgentIdentityTests(AgentServiceFactory factory)
{
    private readonly HttpClient _client = factory.CreateClient();

    private static string[] IdShapedNames(Guid id) => [id.ToString("N"), id.ToString("D"), id.ToString("N").ToUpperInvariant()];

    [Fact]
    public async Task ANameThatIsAnotherAgentsIdIsRefusedAtRegistrationAndRename()
    {
        var victim = await _client.CreateAgentAsync(new { name = TestData.UniqueName("victim") });
        var victimId = victim.GetProperty("id").GetGuid();
        var other = TestData.UniqueName("other");
        await _client.CreateAgentAsync(new { name = other });

        foreach (var name in IdShapedNames(victimId))
        {
            var created = await _client.PostAsJsonAsync("/agents", new { name });
            var problem = await created.AssertProblemAsync(400, "validation_failed");
            Assert.True(problem.GetProperty("errors").TryGetProperty("/name", out _), problem.ToString());

            var renamed = await _client.PatchAsJsonAsync($"/agents/{other}", new { name });
            await renamed.AssertProblemAsync(400, "validation_failed");
        }

        // An id of no agent at all is just as refused: the rule is about the shape, not about who exists.
        var unused = await _client.PostAsJsonAsync("/agents", new { name = Guid.NewGuid().ToString("N") });
        await unused.AssertProblemAsync(400, "validation_failed");

        var stillVictim = await (await _client.GetAsync($"/agents/{victimId:N}")).ReadJsonAsync();
        Assert.Equal(victimId, stillVictim.GetProperty("id").GetGuid());
        Assert.Equal(other, (await (await _client.GetAsync($"/agents/{other}")).ReadJsonAsync()).GetProperty("name").GetString());
    }

    [Fact]
    public async Task ALabelKeyWithATrailingNewlineIsRefused()
    {
        var name = TestData.UniqueName();
        var response = await _client.PostAsJsonAsync("/agents", new { name, labels = new Dictionary<string, string> { ["team\n"] = "x" } });

        var problem = await response.AssertProblemAsync(400, "validation_failed");
        Assert.True(problem.GetProperty("errors").TryGetProperty("/labels/team\n", out _), problem.ToString());
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync($"/agents/{name}")).StatusCode);
    }
}
