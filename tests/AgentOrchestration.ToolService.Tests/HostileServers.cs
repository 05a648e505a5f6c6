using System.Collections.Concurrent;
using System.Text.Json;
using AgentOrchestration.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol.Protocol;

namespace AgentOrchestration.ToolService.Tests;

/// <summary>
/// A real HTTP server on the allow-listed tool address that misbehaves on purpose: counts calls, fails with 503,
/// answers bytes Postgres cannot store, redirects, and reports which headers reached it. Two instances are two origins.
/// </summary>
public sealed class MisbehavingHttpServer : IAsyncLifetime
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
        _app.Map("/unavailable/{key}", (string key) => Count(key, Results.StatusCode(503)));
        _app.Map("/hang/{key}", async (string key, CancellationToken cancellationToken) =>
        {
            Count(key, Results.Ok());
            await Task.Delay(TimeSpan.FromSeconds(30), cancellationToken);
            return Results.Ok();
        });
        _app.Map("/nul/{key}", (string key) => Count(key, Results.Content("""{"text":"a\u0000b"}""", "application/json")));
        _app.Map("/surrogate", () => Results.Content("""{"items":["ok","\ud800"]}""", "application/json"));
        _app.Map("/redirect", (string to) => Results.Redirect(to, permanent: false, preserveMethod: true));
        // Which of the tool's headers arrived (names in lower case), and with what method.
        _app.Map("/headers", (HttpRequest request) => Results.Ok(new
        {
            method = request.Method,
            secret = request.Headers["X-Secret"].ToString(),
            authorization = request.Headers.Authorization.ToString(),
        }));
        await _app.StartAsync();
    }

    private IResult Count(string key, IResult result)
    {
        _calls.AddOrUpdate(key, 1, (_, n) => n + 1);
        return result;
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}

/// <summary>
/// A real MCP server (the C# SDK over Streamable HTTP) whose tool list mixes usable tools with ones no registry should
/// store: an invalid pattern, a $ref to nowhere, a description over the limit, a name with a trailing newline.
/// </summary>
public sealed class HostileMcpServer : IAsyncLifetime
{
    private WebApplication? _app;

    public string BaseUrl { get; } = $"http://{ServerProcess.ToolHost}:{ServerProcess.FreeTcpPort()}";

    public string Url => BaseUrl + "/mcp";

    public static readonly string[] Usable = ["good", "redos"];

    public static readonly string[] Unusable = ["badpattern", "nowhere", "verbose", "newline\n"];

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(BaseUrl);
        builder.Services.AddMcpServer()
            .WithHttpTransport(options => options.Stateless = true)
            .WithListToolsHandler((_, _) => ValueTask.FromResult(new ListToolsResult
            {
                Tools =
                [
                    Tool("good", """{"type":"object","properties":{"x":{"type":"integer"}}}"""),
                    // Valid, but catastrophic on "aaaa…!": the ToolService must time the match out, not hang.
                    Tool("redos", """{"type":"object","properties":{"s":{"type":"string","pattern":"^(a+)+$"}}}"""),
                    Tool("badpattern", """{"type":"object","properties":{"s":{"type":"string","pattern":"(["}}}"""),
                    Tool("nowhere", """{"type":"object","properties":{"s":{"$ref":"https://example.invalid/schema.json"}}}"""),
                    Tool("verbose", """{"type":"object"}""", new string('d', 5000)),
                    Tool("newline\n", """{"type":"object"}"""),
                ],
            }))
            .WithCallToolHandler((context, _) => ValueTask.FromResult(new CallToolResult
            {
                Content = [new TextContentBlock { Text = context.Params!.Name == "good" ? """{"ok":true}""" : "{\"text\":\"a\\u0000b\"}" }],
            }));
        _app = builder.Build();
        _app.MapMcp("/mcp");
        await _app.StartAsync();
    }

    private static Tool Tool(string name, string schema, string? description = null) => new()
    {
        Name = name,
        Description = description ?? $"The {name.Trim()} tool",
        InputSchema = JsonDocument.Parse(schema).RootElement,
    };

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}
