using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace AgentOrchestration.EndToEnd.Tests.Adversarial;

/// <summary>
/// A name that parses as an id would make "GET /agents/{idOrName}" and every other lookup ambiguous: an agent named
/// like agent B's id (32 hex digits, or the dashed form) read B's record and ran B's tools with its own key. Such
/// names are refused at registration, and a lookup by id always finds the agent with that id.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class IdNamedAgentTests(AppHostFixture fixture) : IDisposable
{
    private readonly GatewayClient _gateway = new(fixture.App);

    public void Dispose() => _gateway.Dispose();

    [Theory]
    [InlineData("/register-agent", "N")]
    [InlineData("/register-agent", "D")]
    [InlineData("/agents", "N")]
    [InlineData("/agents", "D")]
    public async Task ANameThatIsAnotherAgentsIdIsRefused(string endpoint, string format)
    {
        var victim = await fixture.Api.RegisterAgentWithKeyAsync("echo");
        var name = victim.Id.ToString(format);

        var answer = await PostAsync(endpoint, new { name, tools = new[] { "echo" } });

        await AssertRefusedAsync(answer, name);
        var lookup = await _gateway.SendAsync("GET", $"/agents/{Uri.EscapeDataString(name)}", AppHostFixture.AdminApiKey);
        Assert.True(lookup.Status == 200 && lookup.Body.Contains(victim.Id.ToString(), StringComparison.Ordinal), $"GET /agents/{name} must be agent {victim.Id}: {lookup}");
    }

    [Theory]
    [InlineData("N")]
    [InlineData("D")]
    public async Task ANameShapedLikeAnIdIsRefusedEvenWhenNoAgentHasThatId(string format)
    {
        var name = Guid.NewGuid().ToString(format);

        var answer = await PostAsync("/register-agent", new { name });

        await AssertRefusedAsync(answer, name);
    }

    [Fact]
    public async Task RenamingAnAgentToAnIdShapedNameIsRefused()
    {
        var agent = await fixture.Api.RegisterAgentWithKeyAsync("echo");
        var name = Guid.NewGuid().ToString("N");

        var answer = await _gateway.SendAsync("PATCH", $"/agents/{agent.Name}", AppHostFixture.AdminApiKey, Body(new { name }));

        Assert.True(answer.Status == 400 && Invariants.CodeOf(answer) == "validation_failed", $"PATCH name {name}: {answer}");
    }

    /// <summary>The attack itself: with its own key, an agent named B's id neither reads B nor runs a tool only B holds.</summary>
    [Fact]
    public async Task AnAgentNamedLikeAnotherAgentsIdCannotActAsIt()
    {
        var victimTool = await fixture.Api.RegisterHttpToolAsync("http://127.0.0.2:9/only-b", "adv-only-b");
        var victim = await fixture.Api.RegisterAgentWithKeyAsync(victimTool);
        var name = victim.Id.ToString("N");

        var registration = await PostAsync("/register-agent", new { name, tools = new[] { "echo" } });
        if (registration.Status != 201)
        {
            await AssertRefusedAsync(registration, name);
            return;
        }

        // Registered (the name rule is missing): it must still be only itself.
        var key = JsonDocument.Parse(registration.Body).RootElement.GetProperty("apiKey").GetString()!;
        var read = await _gateway.SendAsync("GET", $"/agents/{name}", key);
        var run = await _gateway.SendAsync("POST", "/execute-task", key,
            Body(new { agent = name, tool = victimTool, arguments = new { } }), [("Prefer", "wait=10")]);
        Assert.Fail($"an agent named {name} (agent {victim.Id}'s id) was registered: 201. With its key GET /agents/{name} → {read}; " +
                    $"a task as '{name}' with {victimTool}, a tool only {victim.Id} holds → {run}");
    }

    private Task<Answer> PostAsync(string endpoint, object body) => _gateway.SendAsync("POST", endpoint, AppHostFixture.AdminApiKey, Body(body));

    private static byte[] Body(object body) => Encoding.UTF8.GetBytes(JsonSerializer.Serialize(body, JsonSerializerOptions.Web));

    private async Task AssertRefusedAsync(Answer answer, string name)
    {
        Assert.True(answer.Status == 400 && Invariants.CodeOf(answer) == "validation_failed" && answer.Body.Contains("/name", StringComparison.Ordinal),
            $"an agent named {name}: expected 400 validation_failed at /name, got {answer}");
        // Nothing was stored under the name: the only agent this id-shaped text may find is the one with that id.
        var agents = await fixture.Api.GetFromJsonAsync<JsonElement>($"/agents?q={Uri.EscapeDataString(name.ToLowerInvariant())}");
        Assert.DoesNotContain(agents.GetProperty("items").EnumerateArray(), a => a.GetProperty("name").GetString() == name.ToLowerInvariant());
    }
}
