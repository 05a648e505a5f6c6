using Microsoft.Extensions.Configuration;

namespace Aspire.Hosting;

/// <summary>
/// Which embedding model semantic tool search uses, as AppHost parameters: by default the local MiniLM inside the
/// ToolService; <c>Parameters__embedding-provider=openai</c> with an endpoint and model for any OpenAI-compatible server
/// (OpenAI, Azure OpenAI's v1 API, Ollama); <c>none</c> for lexical search only.
/// </summary>
public static class SearchExtensions
{
    public const string Provider = "embedding-provider";
    public const string Endpoint = "embedding-endpoint";
    public const string Model = "embedding-model";
    public const string ApiKey = "embedding-api-key";

    public static IResourceBuilder<ProjectResource> WithToolSearch(this IResourceBuilder<ProjectResource> project)
    {
        var builder = project.ApplicationBuilder;
        string Setting(string name, string fallback) => builder.Configuration[$"Parameters:{name}"] ?? fallback;
        var provider = builder.AddParameter(Provider, Setting(Provider, "local"), publishValueAsDefault: true);
        var endpoint = builder.AddParameter(Endpoint, Setting(Endpoint, ""), publishValueAsDefault: true);
        var model = builder.AddParameter(Model, Setting(Model, ""), publishValueAsDefault: true);
        var apiKey = builder.AddParameter(ApiKey, Setting(ApiKey, ""), secret: true);
        return project
            .WithEnvironment("Search__Embeddings__Provider", provider)
            .WithEnvironment("Search__Embeddings__Endpoint", endpoint)
            .WithEnvironment("Search__Embeddings__Model", model)
            .WithEnvironment("Search__Embeddings__ApiKey", apiKey);
    }
}
