using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;

namespace AgentOrchestration.ServiceCommon.Tests;

/// <summary>The guard as every service runs it: through AddProblemConventions/UseProblemConventions, in front of real endpoints.</summary>
public sealed class RequestGuardTests : IAsyncLifetime
{
    private WebApplication _app = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _app = await ConventionsApp.StartAsync(app =>
        {
            app.MapPost("/echo", (JsonElement body) => TypedResults.Ok(body));
            // Reads the raw stream as a proxy or the MCP transport does: the buffered body must arrive whole.
            app.MapPost("/raw", async (HttpRequest request) => TypedResults.Text(await new StreamReader(request.Body).ReadToEndAsync()));
            app.MapGet("/items", (string? q, string? tag) => TypedResults.Ok(new { q, tag }));
            app.MapGet("/items/{id}", (string id) => TypedResults.Ok(id));
        });
        _client = _app.GetTestClient();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private Task<HttpResponseMessage> PostAsync(string path, byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return _client.PostAsync(path, content);
    }

    private Task<HttpResponseMessage> PostAsync(string path, string json) => PostAsync(path, Encoding.UTF8.GetBytes(json));

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(text).RootElement;
        Assert.Equal(code, problem.GetProperty("code").GetString());
        return problem;
    }

    private static IEnumerable<string> ErrorKeys(JsonElement problem) =>
        problem.GetProperty("errors").EnumerateObject().Select(p => p.Name);

    [Fact]
    public async Task AValidBodyReachesTheEndpointUnchanged()
    {
        var json = """{"agent":"a","arguments":{"text":"caf\u00e9 \ud83d\ude00","n":[1,2.5]}}""";
        var echoed = await PostAsync("/echo", json);
        Assert.Equal(HttpStatusCode.OK, echoed.StatusCode);
        Assert.Equal("café 😀", JsonDocument.Parse(await echoed.Content.ReadAsStringAsync()).RootElement
            .GetProperty("arguments").GetProperty("text").GetString());

        var raw = await PostAsync("/raw", json);
        Assert.Equal(json, await raw.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task ALargeBodyUnderTheLimitIsReadWhole()
    {
        var json = JsonSerializer.Serialize(new { text = new string('x', 900_000) });
        var raw = await PostAsync("/raw", json);
        Assert.Equal(HttpStatusCode.OK, raw.StatusCode);
        Assert.Equal(json.Length, (await raw.Content.ReadAsStringAsync()).Length);
    }

    [Fact]
    public async Task ANulInABodyIsValidationFailedWithItsPointer()
    {
        var problem = await ProblemAsync(await PostAsync("/echo", """{"steps":[{"arguments":{"text":"a\u0000b"}}]}"""),
            HttpStatusCode.BadRequest, Problems.ValidationFailed);
        Assert.Equal(["/steps/0/arguments/text"], ErrorKeys(problem));
    }

    [Fact]
    public async Task ALoneSurrogateIsValidationFailedEvenOnAnEndpointThatReadsRawBytes()
    {
        var problem = await ProblemAsync(await PostAsync("/raw", """{"text":"\ud800"}"""), HttpStatusCode.BadRequest, Problems.ValidationFailed);
        Assert.Equal(["/text"], ErrorKeys(problem));
    }

    [Fact]
    public async Task DuplicateKeysAreMalformedJson()
    {
        var problem = await ProblemAsync(await PostAsync("/echo", """{"arguments":{"a":1,"a":2}}"""), HttpStatusCode.BadRequest, Problems.MalformedJson);
        Assert.Equal(["/arguments/a"], ErrorKeys(problem));
    }

    [Fact]
    public async Task InvalidUtf8IsMalformedJson()
    {
        byte[] body = [.. "{\"text\":\""u8.ToArray(), 0xFF, .. "\"}"u8.ToArray()];
        var problem = await ProblemAsync(await PostAsync("/echo", body), HttpStatusCode.BadRequest, Problems.MalformedJson);
        Assert.Equal(["/text"], ErrorKeys(problem));
    }

    [Fact]
    public async Task NestingBeyondTheDepthLimitIsMalformedJson()
    {
        var deep = new string('[', 40) + new string(']', 40);
        await ProblemAsync(await PostAsync("/raw", deep), HttpStatusCode.BadRequest, Problems.MalformedJson);
    }

    [Fact]
    public async Task ABodyOverTheLimitIs413()
    {
        var huge = JsonSerializer.Serialize(new { text = new string('x', (int)ProblemConventions.DefaultMaxRequestBodyBytes) });
        var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(huge))); // no Content-Length: chunked
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        await ProblemAsync(await _client.PostAsync("/raw", content), HttpStatusCode.RequestEntityTooLarge, Problems.PayloadTooLarge);
    }

    [Fact]
    public async Task OtherMediaTypesPassUntouched()
    {
        var content = new StringContent("a\u0000b", Encoding.UTF8, "text/plain");
        var response = await _client.PostAsync("/raw", content);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("/items?q=a%00b", "/query/q")]
    [InlineData("/items?q=ok&tag=%00", "/query/tag")]
    [InlineData("/items?cursor=%00abc", "/query/cursor")]
    public async Task UnstorableTextInTheQueryIsValidationFailedNamingTheParameter(string url, string key)
    {
        var problem = await ProblemAsync(await _client.GetAsync(url), HttpStatusCode.BadRequest, Problems.ValidationFailed);
        Assert.Equal([key], ErrorKeys(problem));
    }

    [Fact]
    public async Task OrdinaryEscapesInTheQueryPass()
    {
        var response = await _client.GetAsync("/items?q=a%20b%2Fc&tag=%C3%A9");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"q":"a b/c","tag":"é"}""", await response.Content.ReadAsStringAsync());
    }

    /// <summary>The inspection reads UTF-8: a body declared in another charset could decode to what it did not check.</summary>
    [Theory]
    [InlineData("iso-8859-1", HttpStatusCode.UnsupportedMediaType)]
    [InlineData("utf-16", HttpStatusCode.UnsupportedMediaType)]
    [InlineData("utf-8", HttpStatusCode.OK)]
    [InlineData("UTF-8", HttpStatusCode.OK)]
    public async Task AJsonBodyInAnotherCharsetIsRefused(string charset, HttpStatusCode expected)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes("""{ "a": 1 }"""));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = charset };

        var response = await _client.PostAsync("/echo", content);

        Assert.Equal(expected, response.StatusCode);
        if (expected != HttpStatusCode.OK)
        {
            await ProblemAsync(response, expected, "unsupported_media_type");
        }
    }
}
