using System.Net.Http.Json;
using System.Text.Json;
using AgentOrchestration.TestSupport;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;

namespace AgentOrchestration.EndToEnd.Tests;

/// <summary>
/// After a run that uses every kind of secret, none of them appears in any response, execution event or log line of
/// any resource (every replica's console output, which carries the services' logs).
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class RedactionTests(AppHostFixture fixture) : IAsyncLifetime
{
    private readonly TestHttpServer _tool = new();

    public Task InitializeAsync() => _tool.InitializeAsync();

    public Task DisposeAsync() => _tool.DisposeAsync();

    [Fact]
    public async Task NoSecretAppearsInResponsesEventsOrLogs()
    {
        var api = fixture.Api;
        var name = await api.RegisterHttpToolAsync($"{_tool.BaseUrl}/weather", "secretive",
            headers: new Dictionary<string, string> { ["X-Key"] = "s3cret" });
        var agent = await api.RegisterAgentWithKeyAsync(name);
        var asAgent = fixture.CreateApiClient(agent.ApiKey);
        var run = await asAgent.ExecuteAsync($$"""{ "agent": "{{agent.Name}}", "tool": "{{name}}", "arguments": { "city": "Bergen" } }""");
        var task = await run.ReadJsonAsync();
        Assert.True(task.TryGetProperty("status", out var status) && status.GetString() == "succeeded", task.ToString());
        // The tool did receive the header: the secret was used, just never shown.
        Assert.True(task.GetProperty("result").GetProperty("main").TryGetProperty("sawKey", out var sawKey) && sawKey.GetBoolean(), task.ToString());

        var seen = new List<string>
        {
            task.GetRawText(),
            await api.GetStringAsync($"/tools/{name}"),
            await api.GetStringAsync($"/tools?q={name}"),
            await api.GetStringAsync($"/tasks/{task.GetProperty("id").GetGuid()}/logs"),
            await api.GetStringAsync("/status"),
            await api.GetStringAsync($"/agents/{agent.Name}"),
        };
        seen.AddRange(await ResourceLogs.CollectAsync(fixture.App, TimeSpan.FromSeconds(2)));
        Assert.True(seen.Count > 20, "the resources' logs were not collected");

        var model = fixture.App.Services.GetRequiredService<DistributedApplicationModel>();
        var internalKey = await model.Resources.OfType<ParameterResource>().Single(p => p.Name == ResourceNames.InternalApiKey).GetValueAsync(default);
        var secrets = new Dictionary<string, string>
        {
            ["tool header"] = "s3cret",
            ["admin key"] = AppHostFixture.AdminApiKey,
            ["agent key"] = agent.ApiKey,
            ["internal key"] = internalKey!,
        };
        foreach (var (what, secret) in secrets)
        {
            var leak = seen.FirstOrDefault(text => text.Contains(secret, StringComparison.Ordinal));
            Assert.True(leak is null, $"the {what} leaked: {leak}");
        }
    }
}
