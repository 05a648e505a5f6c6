using System.Text;
using System.Text.Json;
using AgentOrchestration.ToolService.Model;

namespace AgentOrchestration.ToolService.Search.Semantic;

/// <summary>What a tool's embedding is made of: its name in words, description, parameters and tags.</summary>
public static class ToolEmbeddingText
{
    /// <summary>MiniLM reads at most 256 word pieces; the start of a long description says what the tool is for.</summary>
    public const int MaxLength = 1_000;

    public static string For(Tool tool) =>
        For(tool.Name, tool.Description, tool.InputSchema.RootElement, tool.Tags);

    public static string For(string name, string description, JsonElement inputSchema, IEnumerable<string> tags)
    {
        var text = new StringBuilder();
        text.Append(name.Replace('.', ' ').Replace('_', ' ').Replace('-', ' '));
        if (description.Length > 0)
        {
            text.Append(": ").Append(description.TrimEnd('.')).Append('.');
        }

        if (inputSchema.ValueKind == JsonValueKind.Object && inputSchema.TryGetProperty("properties", out var properties)
            && properties.ValueKind == JsonValueKind.Object)
        {
            var parameters = properties.EnumerateObject().Select(p =>
                p.Value.ValueKind == JsonValueKind.Object && p.Value.TryGetProperty("description", out var d) && d.ValueKind == JsonValueKind.String
                    ? $"{p.Name} ({d.GetString()})"
                    : p.Name).ToList();
            if (parameters.Count > 0)
            {
                text.Append(" Inputs: ").Append(string.Join(", ", parameters)).Append('.');
            }
        }

        var tagList = tags.ToList();
        if (tagList.Count > 0)
        {
            text.Append(" Tags: ").Append(string.Join(", ", tagList)).Append('.');
        }

        return text.Length <= MaxLength ? text.ToString() : text.ToString(0, MaxLength);
    }
}
