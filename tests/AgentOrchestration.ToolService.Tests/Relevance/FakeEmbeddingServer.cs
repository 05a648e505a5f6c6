using System.Collections.Concurrent;
using System.Text.Json;
using AgentOrchestration.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace AgentOrchestration.ToolService.Tests.Relevance;

/// <summary>
/// A real HTTP server speaking OpenAI's POST /v1/embeddings: each text becomes a hashed bag of its words (64
/// dimensions), so texts sharing words are similar. Counts the texts it embedded per model.
/// </summary>
public sealed class FakeEmbeddingServer : IAsyncLifetime
{
    public const int Dimensions = 64;
    private readonly ConcurrentDictionary<string, int> _texts = new();
    private WebApplication? _app;

    public string BaseUrl { get; } = $"http://127.0.0.1:{ServerProcess.FreeTcpPort()}/v1";

    public int TextsEmbeddedBy(string model) => _texts.GetValueOrDefault(model);

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(new Uri(BaseUrl).GetLeftPart(UriPartial.Authority));
        _app = builder.Build();
        _app.MapPost("/v1/embeddings", async (HttpRequest request) =>
        {
            var body = await JsonDocument.ParseAsync(request.Body);
            var model = body.RootElement.GetProperty("model").GetString()!;
            var input = body.RootElement.GetProperty("input");
            var texts = input.ValueKind == JsonValueKind.Array ? input.EnumerateArray().Select(i => i.GetString()!).ToList() : [input.GetString()!];
            var base64 = body.RootElement.TryGetProperty("encoding_format", out var format) && format.GetString() == "base64";
            _texts.AddOrUpdate(model, texts.Count, (_, n) => n + texts.Count);
            return Results.Json(new
            {
                @object = "list",
                model,
                data = texts.Select((text, index) =>
                {
                    var vector = Embed(text);
                    object embedding = base64 ? Convert.ToBase64String(vector.SelectMany(BitConverter.GetBytes).ToArray()) : vector;
                    return new { @object = "embedding", index, embedding };
                }),
                usage = new { prompt_tokens = 0, total_tokens = 0 },
            });
        });
        await _app.StartAsync();
    }

    private static float[] Embed(string text)
    {
        var vector = new float[Dimensions];
        foreach (var word in text.ToLowerInvariant().Split([' ', '.', ',', ':', '(', ')', '_'], StringSplitOptions.RemoveEmptyEntries))
        {
            vector[(int)((uint)StringComparer.Ordinal.GetHashCode(word) % Dimensions)] += 1;
        }

        return vector;
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}
