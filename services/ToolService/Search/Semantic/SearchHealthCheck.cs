using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AgentOrchestration.ToolService.Search.Semantic;

/// <summary>Degraded while the embedding generator fails: the service works, but searches answer lexically.</summary>
public sealed class SearchHealthCheck(ToolEmbeddings embeddings, ToolVectorIndex index) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(embeddings.State switch
        {
            EmbeddingState.Unavailable => HealthCheckResult.Degraded(
                $"Semantic tool search is unavailable ({embeddings.ModelId}: {embeddings.Problem}); searches answer lexically."),
            EmbeddingState.Disabled => HealthCheckResult.Healthy("Semantic tool search is off; searches are lexical."),
            _ => HealthCheckResult.Healthy($"{embeddings.State}: {index.Count} tools in the vector index ({embeddings.ModelId})."),
        });
}
