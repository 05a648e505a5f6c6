using System.Net;
using System.Net.Http.Json;
using System.Text;

namespace AgentOrchestration.EndToEnd.Tests;

/// <summary>The agent API as users reach it: through the ApiService's one origin.</summary>
[Collection(SystemCollection.Name)]
public sealed class AgentRegistrationTests(AppHostFixture fixture)
{
    private HttpClient Api => fixture.Api;

    [Fact]
    public async Task RegisterAgentReturns201WithTheSeedShapeAndLocation()
    {
        var name = Json.UniqueName();
        var response = await Api.PostAsJsonAsync("/register-agent", new { name, tools = new[] { "math.add", "echo" } });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.ReadJsonAsync();
        var id = body.GetProperty("id").GetGuid();
        Assert.Equal($"/agents/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal(name, body.GetProperty("name").GetString());
        Assert.Equal("active", body.GetProperty("status").GetString());
        Assert.Equal(["math.add", "echo"], body.GetProperty("tools").EnumerateArray().Select(t => t.GetString()));
        Assert.True(body.TryGetProperty("registeredAt", out _));

        var fetched = await Api.GetAsync(response.Headers.Location);
        Assert.Equal(HttpStatusCode.OK, fetched.StatusCode);
    }

    [Fact]
    public async Task UnknownToolsReturn422NamingEachOneAndCreateNothing()
    {
        var name = Json.UniqueName();
        var response = await Api.PostAsJsonAsync("/register-agent", new { name, tools = new[] { "math.add", "no.such", "nor.this" } });

        var problem = await response.AssertProblemAsync(422, "unknown_tools");
        Assert.Equal(["no.such", "nor.this"], problem.GetProperty("unknownTools").EnumerateArray().Select(t => t.GetString()));
        Assert.True(problem.GetProperty("errors").TryGetProperty("/tools/1", out _));
        Assert.Equal(HttpStatusCode.NotFound, (await Api.GetAsync($"/agents/{name}")).StatusCode);
    }

    [Fact]
    public async Task ABadNameIsA400EvenWhenToolsAreAlsoUnknown()
    {
        var response = await Api.PostAsJsonAsync("/register-agent", new { name = "bad name!", tools = new[] { "no.such" } });
        var problem = await response.AssertProblemAsync(400, "validation_failed");
        Assert.True(problem.GetProperty("errors").TryGetProperty("/name", out _));
    }

    [Fact]
    public async Task MalformedJsonAndOversizedBodiesAreRejectedAtTheGateway()
    {
        var malformed = await Api.PostAsync("/register-agent", new StringContent("{\"name\":", Encoding.UTF8, "application/json"));
        await malformed.AssertProblemAsync(400, "malformed_json");

        // Expect: 100-continue, as clients uploading large bodies do: the 413 arrives before the body is sent, so a
        // loaded machine cannot turn the early answer into a broken pipe while the client is still writing.
        var huge = await Api.SendAsync(Oversized(HttpMethod.Post, "/register-agent", "{\"name\":\"x\",\"description\":\"{0}\"}"));
        await huge.AssertProblemAsync(413, "payload_too_large");

        var proxiedHuge = await Api.SendAsync(Oversized(HttpMethod.Patch, "/agents/anyone", "{\"description\":\"{0}\"}"));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, proxiedHuge.StatusCode);
    }

    private static HttpRequestMessage Oversized(HttpMethod method, string path, string template) => new(method, path)
    {
        Content = new StringContent(template.Replace("{0}", new string('x', 2 * 1024 * 1024)), Encoding.UTF8, "application/json"),
        Headers = { ExpectContinue = true },
    };

    [Fact]
    public async Task DuplicateRegistrationIs409UnlessTheIdempotencyKeyMatches()
    {
        var name = Json.UniqueName();
        var key = Guid.NewGuid().ToString();
        var first = await RegisterAsync(new { name, tools = new[] { "echo" } }, key);
        var retry = await RegisterAsync(new { name, tools = new[] { "echo" } }, key);
        var duplicate = await RegisterAsync(new { name, tools = new[] { "echo" } }, null);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, retry.StatusCode);
        Assert.Equal((await first.ReadJsonAsync()).GetProperty("id").GetGuid(), (await retry.ReadJsonAsync()).GetProperty("id").GetGuid());
        await duplicate.AssertProblemAsync(409, "agent_name_taken");
    }

    [Fact]
    public async Task AgentLifecycleThroughTheGateway()
    {
        var name = Json.UniqueName();
        Assert.Equal(HttpStatusCode.Created, (await Api.RegisterAsync(name, "echo")).StatusCode);

        var listed = await (await Api.GetAsync($"/agents?q={name}")).ReadJsonAsync();
        Assert.Single(listed.GetProperty("items").EnumerateArray());

        var got = await Api.GetAsync($"/agents/{name}");
        var etag = got.Headers.ETag!.Tag;

        var unknownTool = await PatchAsync(name, new { tools = new[] { "no.such" } }, etag);
        await unknownTool.AssertProblemAsync(422, "unknown_tools");

        var deactivated = await PatchAsync(name, new { status = "inactive", tools = new[] { "math.add" } }, etag);
        Assert.Equal(HttpStatusCode.OK, deactivated.StatusCode);
        Assert.Equal("inactive", (await deactivated.ReadJsonAsync()).GetProperty("status").GetString());

        await (await PatchAsync(name, new { description = "stale" }, etag)).AssertProblemAsync(412, "precondition_failed");

        Assert.Equal(HttpStatusCode.NoContent, (await Api.DeleteAsync($"/agents/{name}")).StatusCode);
        await (await Api.GetAsync($"/agents/{name}")).AssertProblemAsync(404, "not_found");
    }

    private Task<HttpResponseMessage> RegisterAsync(object body, string? key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/register-agent") { Content = JsonContent.Create(body) };
        if (key is not null)
        {
            request.Headers.Add("Idempotency-Key", key);
        }

        return Api.SendAsync(request);
    }

    private Task<HttpResponseMessage> PatchAsync(string name, object body, string ifMatch)
    {
        var request = new HttpRequestMessage(HttpMethod.Patch, $"/agents/{name}") { Content = JsonContent.Create(body) };
        request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        return Api.SendAsync(request);
    }
}
