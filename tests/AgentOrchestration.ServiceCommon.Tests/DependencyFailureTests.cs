using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace AgentOrchestration.ServiceCommon.Tests;

/// <summary>A dependency that times out or is unreachable is the caller's "try again" (503), never a 500.</summary>
public sealed class DependencyFailureTests : IAsyncLifetime
{
    private WebApplication _app = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _app = await ConventionsApp.StartAsync(app =>
        {
            app.MapPost("/timeout", IResult () => throw new TimeoutRejectedException("The operation didn't complete within the allowed timeout of '00:00:10'."));
            app.MapPost("/circuit", IResult () => throw new BrokenCircuitException());
            app.MapPost("/refused", IResult () => throw new InvalidOperationException("wrapped", new HttpRequestException("Connection refused")));
            app.MapPost("/database", IResult () => throw new InvalidOperationException("An exception has been raised that is likely due to a transient failure.",
                new Npgsql.NpgsqlException("Exception while reading from stream", new IOException("Connection reset by peer"))));
            app.MapPost("/shutdown", IResult () => throw new InvalidOperationException("wrapped by EF",
                new Npgsql.PostgresException("terminating connection due to administrator command", "FATAL", "FATAL", Npgsql.PostgresErrorCodes.AdminShutdown)));
            app.MapPost("/answered503", IResult () => throw new HttpRequestException("Response status code does not indicate success: 503.", null, HttpStatusCode.ServiceUnavailable));
            app.MapGet("/read", IResult () => throw new TimeoutRejectedException());
            app.MapPost("/constraint", IResult () => throw new Npgsql.PostgresException("duplicate key", "ERROR", "ERROR", "23505"));
            app.MapPost("/answered", IResult () => throw new HttpRequestException("Response status code does not indicate success: 400.", null, HttpStatusCode.BadRequest));
            app.MapPost("/bug", IResult () => throw new InvalidOperationException("a bug"));
        });
        _client = _app.GetTestClient();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Theory]
    [InlineData("/timeout")]
    [InlineData("/circuit")]
    [InlineData("/refused")]
    [InlineData("/database")]
    [InlineData("/shutdown")]
    [InlineData("/answered503")]
    public async Task ADependencyThatDidNotAnswerIs503WithRetryAfter(string path)
    {
        var response = await _client.PostAsync(path, null);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, $"{(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(TimeSpan.FromSeconds(5), response.Headers.RetryAfter?.Delta);
        var problem = JsonDocument.Parse(text).RootElement;
        Assert.Equal(Problems.DependencyUnavailable, problem.GetProperty("code").GetString());
        Assert.Contains("check before repeating it", problem.GetProperty("detail").GetString());
        Assert.True(problem.TryGetProperty("traceId", out _));
    }

    /// <summary>Only a write that carries an Idempotency-Key is told to repeat itself as is; a read is just told to try again.</summary>
    [Fact]
    public async Task TheAdviceFitsTheRequest()
    {
        using var keyed = new HttpRequestMessage(HttpMethod.Post, "/timeout");
        keyed.Headers.Add("Idempotency-Key", "k1");
        var write = JsonDocument.Parse(await (await _client.SendAsync(keyed)).Content.ReadAsStringAsync()).RootElement;
        Assert.Contains("repeat it with the same Idempotency-Key", write.GetProperty("detail").GetString());

        var read = await _client.GetAsync("/read");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, read.StatusCode);
        Assert.Equal("Try again shortly.", JsonDocument.Parse(await read.Content.ReadAsStringAsync()).RootElement.GetProperty("detail").GetString());
    }

    [Theory]
    [InlineData("/answered")]
    [InlineData("/constraint")]
    [InlineData("/bug")]
    public async Task AnythingElseStaysAnInternalError(string path)
    {
        var response = await _client.PostAsync(path, null);
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(Problems.Internal, problem.GetProperty("code").GetString());
    }
}
