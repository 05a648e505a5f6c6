using System.ClientModel;
using Microsoft.Extensions.AI;
using OpenAI;

namespace AgentOrchestration.ToolService.Search.Semantic;

/// <summary>Builds the configured <see cref="IEmbeddingGenerator{TInput,TEmbedding}"/> and the model id stored with its vectors.</summary>
public static class EmbeddingProvider
{
    public static (IEmbeddingGenerator<string, Embedding<float>>? Generator, string? ModelId) Create(EmbeddingOptions options)
    {
        switch (options.Provider.Trim().ToLowerInvariant())
        {
            case "local":
                return (new MiniLmEmbeddingGenerator(), MiniLmEmbeddingGenerator.ModelId);
            case "none":
                return (null, null);
            case "openai":
                if (!Uri.TryCreate(options.Endpoint, UriKind.Absolute, out var endpoint) || string.IsNullOrWhiteSpace(options.Model))
                {
                    throw new InvalidOperationException(
                        $"{EmbeddingOptions.Section}:Provider 'openai' needs {EmbeddingOptions.Section}:Endpoint (an absolute URL) and :Model.");
                }

                // Ollama and other local servers take any key; the OpenAI client insists on one.
                var client = new OpenAIClient(new ApiKeyCredential(string.IsNullOrEmpty(options.ApiKey) ? "unused" : options.ApiKey),
                    new OpenAIClientOptions { Endpoint = endpoint, NetworkTimeout = TimeSpan.FromSeconds(30) });
                return (client.GetEmbeddingClient(options.Model).AsIEmbeddingGenerator(), $"openai/{options.Model}");
            default:
                throw new InvalidOperationException($"{EmbeddingOptions.Section}:Provider must be 'local', 'openai' or 'none', not '{options.Provider}'.");
        }
    }
}
