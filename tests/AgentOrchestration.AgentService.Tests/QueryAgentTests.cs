using System.Net;
using System.Text.Json;

namespace AgentOrchestration.AgentService.Tests;

[Collection(AgentServiceCollection.Name)]
public sealed class QueryAgentTests(AgentServiceFactory factory)
{
    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task GetUnknownAgentReturns404Problem()
    {
        await (await _client.GetAsync("/agents/no-such-agent")).AssertProblemAsync(404, "not_found");
        await (await _client.GetAsync($"/agents/{Guid.NewGuid()}")).AssertProblemAsync(404, "not_found");
    }

    [Fact]
    public async Task PagingWalksEveryAgentOnceInNameOrder()
    {
        var prefix = TestData.UniqueName("page")[..16];
        var names = Enumerable.Range(0, 7).Select(i => $"{prefix}-{i}").ToList();
        foreach (var name in names)
        {
            await _client.CreateAgentAsync(new { name });
        }

        var seen = new List<string>();
        string? cursor = null;
        do
        {
            var page = await (await _client.GetAsync($"/agents?q={prefix}&limit=3" + (cursor is null ? "" : $"&cursor={cursor}"))).ReadJsonAsync();
            seen.AddRange(page.GetProperty("items").EnumerateArray().Select(a => a.GetProperty("name").GetString()!));
            cursor = page.GetProperty("nextCursor").ValueKind == JsonValueKind.Null ? null : page.GetProperty("nextCursor").GetString();
        }
        while (cursor is not null);

        Assert.Equal(names, seen);
    }

    [Fact]
    public async Task FiltersByStatusToolAndLabel()
    {
        var prefix = TestData.UniqueName("filter")[..16];
        await _client.CreateAgentAsync(new { name = $"{prefix}-a", tools = new[] { "math.add" }, labels = new Dictionary<string, string> { ["team"] = "red" } });
        await _client.CreateAgentAsync(new { name = $"{prefix}-b", tools = new[] { "echo" }, labels = new Dictionary<string, string> { ["team"] = "blue" } });
        await _client.CreateAgentAsync(new { name = $"{prefix}-c", status = "inactive", tools = new[] { "math.add", "echo" } });

        Assert.Equal([$"{prefix}-a", $"{prefix}-c"], await NamesAsync($"/agents?q={prefix}&tool=math.add"));
        Assert.Equal([$"{prefix}-c"], await NamesAsync($"/agents?q={prefix}&status=inactive"));
        Assert.Equal([$"{prefix}-b"], await NamesAsync($"/agents?q={prefix}&label=team=blue"));
        Assert.Equal([$"{prefix}-a", $"{prefix}-b"], await NamesAsync($"/agents?q={prefix}&label=team"));
    }

    [Theory]
    [InlineData("/agents?limit=0", "/query/limit")]
    [InlineData("/agents?limit=1000", "/query/limit")]
    [InlineData("/agents?status=sleeping", "/query/status")]
    [InlineData("/agents?cursor=%25%25", "/query/cursor")]
    public async Task BadQueryParametersReturn400(string url, string pointer)
    {
        var problem = await (await _client.GetAsync(url)).AssertProblemAsync(400, "validation_failed");
        Assert.True(problem.GetProperty("errors").TryGetProperty(pointer, out _), problem.ToString());
    }

    [Fact]
    public async Task NonNumericLimitReturns400()
    {
        Assert.Equal(HttpStatusCode.BadRequest, (await _client.GetAsync("/agents?limit=abc")).StatusCode);
    }

    private async Task<List<string>> NamesAsync(string url)
    {
        var page = await (await _client.GetAsync(url)).ReadJsonAsync();
        return page.GetProperty("items").EnumerateArray().Select(a => a.GetProperty("name").GetString()!).ToList();
    }
}
