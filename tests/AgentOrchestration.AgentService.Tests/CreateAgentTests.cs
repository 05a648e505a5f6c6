using System.Net;
using System.Net.Http.Json;
using System.Text;
using AgentOrchestration.AgentService.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AgentOrchestration.AgentService.Tests;

[Collection(AgentServiceCollection.Name)]
public sealed class CreateAgentTests(AgentServiceFactory factory)
{
    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task CreateAgentReturns201WithLocationETagAndTheStoredAgent()
    {
        var name = TestData.UniqueName();
        var response = await _client.PostAsJsonAsync("/agents", new
        {
            name,
            description = "plans things",
            tools = new[] { "math.add", "math.add", "echo" },
            labels = new Dictionary<string, string> { ["team"] = "core" },
        });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var agent = await response.ReadJsonAsync();
        var id = agent.GetProperty("id").GetGuid();
        Assert.Equal($"/agents/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal("\"1\"", response.Headers.ETag?.Tag);
        Assert.Equal(name, agent.GetProperty("name").GetString());
        Assert.Equal("active", agent.GetProperty("status").GetString());
        Assert.Equal(["math.add", "echo"], agent.GetProperty("tools").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal("core", agent.GetProperty("labels").GetProperty("team").GetString());

        var fetched = await (await _client.GetAsync($"/agents/{id}")).ReadJsonAsync();
        Assert.Equal(name, fetched.GetProperty("name").GetString());
    }

    [Fact]
    public async Task NamesAreStoredInLowerCaseAndCompareCaseInsensitively()
    {
        var name = TestData.UniqueName();
        var created = await _client.CreateAgentAsync(new { name = name.ToUpperInvariant() });
        Assert.Equal(name, created.GetProperty("name").GetString());

        var byUpperName = await _client.GetAsync($"/agents/{name.ToUpperInvariant()}");
        Assert.Equal(HttpStatusCode.OK, byUpperName.StatusCode);

        var duplicate = await _client.PostAsJsonAsync("/agents", new { name });
        await duplicate.AssertProblemAsync(409, "agent_name_taken");
    }

    [Theory]
    [InlineData("{}", "/name")]
    [InlineData("{\"name\":\"\"}", "/name")]
    [InlineData("{\"name\":\"has space\"}", "/name")]
    [InlineData("{\"name\":\"-leading-dash\"}", "/name")]
    [InlineData("{\"name\":\"ok\",\"tools\":[\"bad tool\"]}", "/tools/0")]
    [InlineData("{\"name\":\"ok\",\"labels\":{\"=\":\"x\"}}", "/labels/=")]
    public async Task InvalidFieldsReturn400NamingTheField(string body, string pointer)
    {
        var response = await _client.PostAsync("/agents", new StringContent(body, Encoding.UTF8, "application/json"));
        var problem = await response.AssertProblemAsync(400, "validation_failed");
        Assert.True(problem.GetProperty("errors").TryGetProperty(pointer, out _), $"errors should name {pointer}: {problem}");
    }

    [Fact]
    public async Task NameLongerThan64CharactersReturns400()
    {
        var response = await _client.PostAsJsonAsync("/agents", new { name = new string('a', 65) });
        var problem = await response.AssertProblemAsync(400, "validation_failed");
        Assert.True(problem.GetProperty("errors").TryGetProperty("/name", out _));
    }

    [Theory]
    [InlineData("{\"name\": ")]
    [InlineData("not json")]
    public async Task MalformedJsonReturns400(string body)
    {
        var response = await _client.PostAsync("/agents", new StringContent(body, Encoding.UTF8, "application/json"));
        await response.AssertProblemAsync(400, "malformed_json");
    }

    [Fact]
    public async Task WrongJsonTypeReturns400WithTheFieldPath()
    {
        var response = await _client.PostAsync("/agents", new StringContent("{\"name\":\"x\",\"tools\":\"math.add\"}", Encoding.UTF8, "application/json"));
        var problem = await response.AssertProblemAsync(400, "malformed_json");
        Assert.True(problem.GetProperty("errors").TryGetProperty("/tools", out _), problem.ToString());
    }

    [Fact]
    public async Task BodyOverTheSizeLimitReturns413AndStoresNothing()
    {
        var name = TestData.UniqueName();
        var response = await _client.PostAsJsonAsync("/agents", new { name, description = new string('x', (int)AgentServiceFactory.MaxBodyBytes + 10) });
        await response.AssertProblemAsync(413, "payload_too_large");
        Assert.Equal(0, await CountAsync(name));
    }

    [Fact]
    public async Task DuplicateNameReturns409AndLeavesTheFirstAgentUntouched()
    {
        var name = TestData.UniqueName();
        var first = await _client.CreateAgentAsync(new { name, description = "first" });

        var second = await _client.PostAsJsonAsync("/agents", new { name, description = "second" });
        var problem = await second.AssertProblemAsync(409, "agent_name_taken");
        Assert.True(problem.GetProperty("errors").TryGetProperty("/name", out _));

        var stored = await (await _client.GetAsync($"/agents/{name}")).ReadJsonAsync();
        Assert.Equal(first.GetProperty("id").GetGuid(), stored.GetProperty("id").GetGuid());
        Assert.Equal("first", stored.GetProperty("description").GetString());
        Assert.Equal(1, await CountAsync(name));
    }

    [Fact]
    public async Task ConcurrentRegistrationOfOneNameCreatesExactlyOneAgent()
    {
        var name = TestData.UniqueName();
        var responses = await Task.WhenAll(Enumerable.Range(0, 12)
            .Select(_ => factory.CreateClient().PostAsJsonAsync("/agents", new { name })));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
        Assert.All(responses.Where(r => r.StatusCode != HttpStatusCode.Created),
            r => Assert.Equal(HttpStatusCode.Conflict, r.StatusCode));
        Assert.Equal(1, await CountAsync(name));
    }

    private async Task<int> CountAsync(string name)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AgentsDbContext>();
        return await db.Agents.CountAsync(a => a.Name == name);
    }
}
