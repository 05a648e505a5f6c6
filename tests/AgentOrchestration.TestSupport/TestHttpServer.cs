using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Xunit;

namespace AgentOrchestration.TestSupport;

/// <summary>A small real HTTP server on loopback that HTTP tools are registered against.</summary>
public sealed class TestHttpServer : IAsyncLifetime
{
    private readonly ConcurrentDictionary<string, int> _calls = new();
    private WebApplication? _app;

    public string BaseUrl { get; } = $"http://{ServerProcess.ToolHost}:{ServerProcess.FreeTcpPort()}";

    public int CallsTo(string key) => _calls.GetValueOrDefault(key);

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(BaseUrl);
        _app = builder.Build();
        _app.MapPost("/weather", (WeatherQuery query, HttpRequest request) => Results.Ok(new
        {
            city = query.City,
            tempC = 7,
            sawKey = request.Headers["X-Key"] == "s3cret",
        }));
        _app.MapGet("/lookup", (string q) => Results.Ok(new { q }));
        _app.MapPost("/flaky/{key}", (string key) =>
            _calls.AddOrUpdate(key, 1, (_, n) => n + 1) <= 2 ? Results.StatusCode(503) : Results.Ok(new { ok = true }));
        _app.MapPost("/hang/{key}", async (string key, CancellationToken cancellationToken) =>
        {
            _calls.AddOrUpdate(key, 1, (_, n) => n + 1);
            await Task.Delay(TimeSpan.FromSeconds(30), cancellationToken);
            return Results.Ok();
        });
        _app.MapPost("/reject", () => Results.BadRequest("no such city"));
        // An allowed server that sends the caller elsewhere: the SSRF tests aim it at forbidden addresses.
        _app.MapPost("/redirect", (string to) => Results.Redirect(to, permanent: false, preserveMethod: true));
        await _app.StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    private sealed record WeatherQuery(string City);
}
