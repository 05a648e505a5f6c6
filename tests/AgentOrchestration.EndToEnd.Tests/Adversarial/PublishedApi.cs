using System.Text.Json.Nodes;

namespace AgentOrchestration.EndToEnd.Tests.Adversarial;

/// <summary>A parameter of a published operation: its name, where it goes (path, query, header) and its schema.</summary>
public sealed record Parameter(string Name, string In, JsonNode? Schema);

/// <summary>One public operation as the gateway's OpenAPI documents describe it, with its request body schema resolved.</summary>
public sealed record Operation(string Method, string Path, IReadOnlyList<Parameter> Parameters, JsonNode? BodySchema, JsonObject Components)
{
    public string Id => $"{Method} {Path}";

    public IEnumerable<Parameter> In(string where) => Parameters.Where(p => p.In == where);

    /// <summary>Live streams (SSE) stay open on success: only their headers are awaited.</summary>
    public bool IsStream => Path.EndsWith("/stream", StringComparison.Ordinal);
}

/// <summary>
/// The gateway's published contract, read from the running system (not from the committed snapshots), so the fuzz
/// follows every change of the API: the five OpenAPI documents and the task schema that POST /execute-task takes.
/// </summary>
public static class PublishedApi
{
    public static readonly string[] Documents = ["/openapi/v1.json", "/openapi/agents.json", "/openapi/tools.json", "/openapi/tasks.json", "/openapi/logging.json"];

    private static readonly string[] Methods = ["get", "post", "put", "patch", "delete"];

    public static async Task<IReadOnlyList<Operation>> LoadAsync(GatewayClient gateway)
    {
        var taskSchema = await FetchAsync(gateway, "/schemas/task.json");
        var operations = new Dictionary<string, Operation>();
        foreach (var document in Documents)
        {
            var root = (JsonObject)await FetchAsync(gateway, document);
            var components = root["components"]?["schemas"] as JsonObject ?? [];
            foreach (var (path, item) in (JsonObject)root["paths"]!)
            {
                foreach (var method in Methods)
                {
                    if (item![method] is not JsonObject op)
                    {
                        continue;
                    }

                    var parameters = (op["parameters"] as JsonArray ?? [])
                        .Select(p => new Parameter(p!["name"]!.GetValue<string>(), p["in"]!.GetValue<string>(), p["schema"]))
                        .ToList();
                    var body = op["requestBody"]?["content"]?["application/json"]?["schema"];
                    // The endpoint takes the task as raw JSON (its OpenAPI says JsonElement); its real contract is the published task schema.
                    if (path == "/execute-task")
                    {
                        body = taskSchema;
                    }

                    // A path served by the gateway itself and documented again by a service is one operation.
                    operations.TryAdd($"{method} {path}", new Operation(method.ToUpperInvariant(), path, parameters, body?.DeepClone(), components));
                }
            }
        }

        Assert.True(operations.Count > 20, $"the published documents list only {operations.Count} operations");
        return [.. operations.Values];
    }

    private static async Task<JsonNode> FetchAsync(GatewayClient gateway, string path)
    {
        var answer = await gateway.SendAsync("GET", path, key: null);
        Assert.True(answer.Status == 200, $"{path}: {answer}");
        return JsonNode.Parse(answer.Body)!;
    }
}
