using System.Net;

namespace AgentOrchestration.ToolService.Tests;

[Collection(ToolServiceCollection.Name)]
public sealed class SearchTests(ToolServiceFixture fixture)
{
    [Fact]
    public async Task AMisspelledQueryStillFindsTheToolFirstWithAScore()
    {
        var page = await (await fixture.Tools.GetAsync("/tools?q=ad%20numbrs")).ReadJsonAsync();
        var items = page.GetProperty("items").EnumerateArray().ToList();

        Assert.NotEmpty(items);
        Assert.Equal("math.add", items[0].GetProperty("name").GetString());
        var scores = items.Select(i => i.GetProperty("score").GetDouble()).ToList();
        Assert.Equal(scores.OrderDescending(), scores);
    }

    [Fact]
    public async Task SearchMatchesDescriptionsAndTags()
    {
        var byDescription = await NamesAsync("/tools?q=upper%20case");
        Assert.Equal("text.upper", byDescription[0]);

        var byTag = await NamesAsync("/tools?tag=arithmetic");
        Assert.Equal(["math.add", "math.multiply"], byTag);
    }

    [Fact]
    public async Task AgentFilterLimitsResultsToTheAgentsTools()
    {
        var agent = await fixture.CreateAgentAsync("math.multiply", "echo");
        Assert.Equal(["echo", "math.multiply"], await NamesAsync($"/tools?agent={agent}"));
        Assert.Equal(["math.multiply"], await NamesAsync($"/tools?agent={agent}&q=multiply"));
    }

    [Fact]
    public async Task BadFiltersAre400()
    {
        Assert.Equal(HttpStatusCode.BadRequest, (await fixture.Tools.GetAsync("/tools?kind=magic")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await fixture.Tools.GetAsync("/tools?limit=0")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await fixture.Tools.GetAsync("/tools?agent=nobody-here")).StatusCode);
    }

    private async Task<List<string>> NamesAsync(string url)
    {
        var page = await (await fixture.Tools.GetAsync(url)).ReadJsonAsync();
        return page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("name").GetString()!).ToList();
    }
}
