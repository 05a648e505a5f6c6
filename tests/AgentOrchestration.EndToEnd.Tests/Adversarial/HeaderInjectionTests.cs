using System.Text;
using System.Text.Json;
using AgentOrchestration.TestSupport;

namespace AgentOrchestration.EndToEnd.Tests.Adversarial;

/// <summary>
/// An HTTP tool's headers are sent on every call, so a header name or value that can end a header line (CR, LF, NUL)
/// smuggles headers of its own to the tool's server, and Host or framing headers override the request itself.
/// They are refused when the tool is registered or edited (400), and nothing is stored.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class HeaderInjectionTests(AppHostFixture fixture) : IAsyncLifetime
{
    private readonly TestHttpServer _server = new();
    private readonly GatewayClient _gateway = new(fixture.App);

    private string Url => _server.BaseUrl + AdversarialSystem.Weather;

    public static TheoryData<string, string> HostileHeaders => new()
    {
        { "X-Adv", "a\r\nX-Injected: 1" },
        { "X-Adv", "a\nX-Injected: 1" },
        { "X-Adv", "a\rX-Injected: 1" },
        { "X-Adv", "a\u0000b" },
        { "X-Adv\r\nX-Injected", "1" },
        { "X Adv", "1" },
        { "X-Adv:", "1" },
        { "", "1" },
        { "Host", "evil.example" },
        { "Content-Length", "0" },
        { "Transfer-Encoding", "chunked" },
    };

    public Task InitializeAsync() => _server.InitializeAsync();

    public async Task DisposeAsync()
    {
        _gateway.Dispose();
        await _server.DisposeAsync();
    }

    [Theory]
    [MemberData(nameof(HostileHeaders))]
    public async Task AToolWithAHeaderThatCouldInjectAnotherIsRefusedAndNotStored(string header, string value)
    {
        var name = Json.UniqueName("adv-crlf");

        var answer = await _gateway.SendAsync("POST", "/tools", AppHostFixture.AdminApiKey, Body(new
        {
            name,
            description = "header injection",
            kind = "http",
            inputSchema = new { type = "object" },
            http = new { url = Url, method = "POST", headers = new Dictionary<string, string> { [header] = value } },
        }));

        Assert.True(answer.Status == 400 && Invariants.CodeOf(answer) == "validation_failed", $"header {JsonSerializer.Serialize(header)}: {JsonSerializer.Serialize(value)} → {answer}");
        var lookup = await _gateway.SendAsync("GET", $"/tools/{name}", AppHostFixture.AdminApiKey);
        Assert.True(lookup.Status == 404, $"the refused tool was stored: {lookup}");
    }

    [Theory]
    [MemberData(nameof(HostileHeaders))]
    public async Task EditingAToolToAHeaderThatCouldInjectAnotherIsRefused(string header, string value)
    {
        var tool = await fixture.Api.RegisterHttpToolAsync(Url, "adv-crlf-edit");

        var answer = await _gateway.SendAsync("PATCH", $"/tools/{tool}", AppHostFixture.AdminApiKey, Body(new
        {
            http = new { url = Url, method = "POST", headers = new Dictionary<string, string> { [header] = value } },
        }));

        Assert.True(answer.Status == 400 && Invariants.CodeOf(answer) == "validation_failed", $"header {JsonSerializer.Serialize(header)}: {JsonSerializer.Serialize(value)} → {answer}");
        var stored = await _gateway.SendAsync("GET", $"/tools/{tool}", AppHostFixture.AdminApiKey);
        Assert.DoesNotContain(header.Length == 0 ? "\"\"" : JsonSerializer.Serialize(header), JsonDocument.Parse(stored.Body).RootElement.GetProperty("http").GetProperty("headerNames").ToString());
    }

    /// <summary>The control: an ordinary secret header is stored and reaches the tool's server.</summary>
    [Fact]
    public async Task AnOrdinaryHeaderIsStoredAndSent()
    {
        var tool = await fixture.Api.RegisterHttpToolAsync(Url, "adv-hdr", headers: new() { ["X-Key"] = "s3cret" });
        var agent = await fixture.Api.RegisterAgentAsync(tool);

        var answer = await _gateway.SendAsync("POST", $"/tools/{tool}/invoke", AppHostFixture.AdminApiKey, Body(new { agent, arguments = new { city = "Oslo" } }));

        Assert.True(answer.Status == 200 && JsonDocument.Parse(answer.Body).RootElement.GetProperty("output").GetProperty("sawKey").GetBoolean(), answer.ToString());
    }

    private static byte[] Body(object body) => Encoding.UTF8.GetBytes(JsonSerializer.Serialize(body, JsonSerializerOptions.Web));
}
