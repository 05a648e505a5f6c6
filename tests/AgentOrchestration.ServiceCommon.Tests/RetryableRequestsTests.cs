using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AgentOrchestration.ServiceCommon.Tests;

/// <summary>The services' HttpClient (ServiceDefaults) repeats reads, and writes only when marked read-only.</summary>
public sealed class RetryableRequestsTests : IDisposable
{
    private readonly CountingHandler _server = new();
    private readonly IHost _host;
    private readonly HttpClient _client;

    public RetryableRequestsTests()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.AddServiceDefaults();
        builder.Services.AddHttpClient("sibling", c => c.BaseAddress = new Uri("http://127.0.0.1:9/"))
            .ConfigurePrimaryHttpMessageHandler(() => _server);
        _host = builder.Build();
        _client = _host.Services.GetRequiredService<IHttpClientFactory>().CreateClient("sibling");
    }

    public void Dispose() => _host.Dispose();

    [Fact]
    public async Task AReadIsRepeatedTwiceAfterA503()
    {
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await _client.GetAsync("/x")).StatusCode);
        Assert.Equal(3, _server.Calls);
    }

    [Fact]
    public async Task AWriteIsSentOnce()
    {
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await _client.PostAsync("/x", new StringContent("{}"))).StatusCode);
        Assert.Equal(1, _server.Calls);
    }

    [Fact]
    public async Task AWriteMarkedReadOnlyIsRepeatedWithItsBody()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/lookup") { Content = new StringContent("""{"names":["echo"]}""") }.AsReadOnly();
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await _client.SendAsync(request)).StatusCode);
        Assert.Equal(3, _server.Calls);
        Assert.All(_server.Bodies, body => Assert.Equal("""{"names":["echo"]}""", body));
    }

    /// <summary>Answers 503 with Retry-After: 5, which the services' retries do not wait out.</summary>
    private sealed class CountingHandler : HttpMessageHandler
    {
        private int _calls;

        public int Calls => _calls;

        public System.Collections.Concurrent.ConcurrentQueue<string> Bodies { get; } = new();

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _calls);
            if (request.Content is not null)
            {
                Bodies.Enqueue(await request.Content.ReadAsStringAsync(cancellationToken));
            }

            var response = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);
            response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(5));
            return response;
        }
    }
}
