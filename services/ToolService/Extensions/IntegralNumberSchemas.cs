using AgentOrchestration.ToolService.Model;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace AgentOrchestration.ToolService.Extensions;

/// <summary>
/// The OpenAPI document describes a property read by <see cref="IntegralNumberConverter"/> as the integer it is:
/// schema generation knows nothing of custom converters and would publish it as "any value".
/// </summary>
internal sealed class IntegralNumberSchemas : IOpenApiSchemaTransformer
{
    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        if (context.JsonPropertyInfo?.CustomConverter is IntegralNumberConverter)
        {
            schema.Type = JsonSchemaType.Integer | JsonSchemaType.Null;
            schema.Format = "int32";
        }

        return Task.CompletedTask;
    }
}
