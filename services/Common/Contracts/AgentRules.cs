using System.Text.RegularExpressions;

namespace AgentOrchestration.ServiceCommon.Contracts;

/// <summary>
/// The rules an agent's fields follow. Shared by the AgentService (which enforces them) and the ApiService
/// (which checks them before asking the ToolService about tools, so a bad name is a 400 before any 422).
/// Errors are keyed by the JSON Pointer of the offending field.
/// </summary>
public static partial class AgentRules
{
    public const int MaxNameLength = 64;
    public const int MaxDescriptionLength = 1024;
    public const int MaxTools = 256;
    public const int MaxLabels = 64;
    public const int MaxLabelValueLength = 256;

    // \z, not $: in .NET '$' also matches before a final "\n", so "name\n" would pass.
    [GeneratedRegex(@"^[a-z0-9][a-z0-9._-]*\z")]
    private static partial Regex NamePattern();

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._/-]{0,62}\z")]
    private static partial Regex LabelKeyPattern();

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_-]*(\\.[A-Za-z0-9_-]+)*\\z")]
    private static partial Regex ToolNamePattern();

    /// <summary>Words of letters, digits, _ and - separated by dots, at most 128 characters: "math.add", "everything.get-sum".</summary>
    public static bool IsToolName(string? name) =>
        !string.IsNullOrWhiteSpace(name) && name.Length <= 128 && ToolNamePattern().IsMatch(name);

    /// <summary>Names compare case-insensitively; they are stored in lower case.</summary>
    public static string NormalizeName(string name) => name.Trim().ToLowerInvariant();

    public static void ValidateName(string? name, Dictionary<string, string[]> errors, bool required = true)
    {
        if (name is null)
        {
            if (required)
            {
                errors["/name"] = ["The name is required."];
            }

            return;
        }

        var normalized = NormalizeName(name);
        if (normalized.Length is 0 or > MaxNameLength)
        {
            errors["/name"] = [$"The name must be 1 to {MaxNameLength} characters long."];
        }
        else if (!NamePattern().IsMatch(normalized))
        {
            errors["/name"] = ["The name may contain only a-z, 0-9, '.', '_' and '-', and must start with a letter or digit."];
        }
        else if (LooksLikeId(normalized))
        {
            errors["/name"] = ["The name must not be an id (a UUID, with or without dashes): agents are looked up by id or name, so it would name another agent."];
        }
    }

    /// <summary>
    /// Whether a reference is read as an agent id (any form Guid.TryParse accepts: 32 hex digits, dashed, braced).
    /// Such strings are never names, so "id or name" is never ambiguous.
    /// </summary>
    public static bool LooksLikeId(string reference) => Guid.TryParse(reference, out _);

    public static void ValidateDescription(string? description, Dictionary<string, string[]> errors)
    {
        if (description is { Length: > MaxDescriptionLength })
        {
            errors["/description"] = [$"The description must be at most {MaxDescriptionLength} characters long."];
        }
    }

    public static void ValidateTools(IReadOnlyList<string>? tools, Dictionary<string, string[]> errors)
    {
        if (tools is null)
        {
            return;
        }

        if (tools.Count > MaxTools)
        {
            errors["/tools"] = [$"An agent may list at most {MaxTools} tools."];
            return;
        }

        for (var i = 0; i < tools.Count; i++)
        {
            if (!IsToolName(tools[i]))
            {
                errors[$"/tools/{i}"] = ["A tool name is words of letters, digits, _ and - separated by dots, such as 'math.add'."];
            }
        }
    }

    public static void ValidateLabels(IReadOnlyDictionary<string, string>? labels, Dictionary<string, string[]> errors)
    {
        if (labels is null)
        {
            return;
        }

        if (labels.Count > MaxLabels)
        {
            errors["/labels"] = [$"An agent may have at most {MaxLabels} labels."];
            return;
        }

        foreach (var (key, value) in labels)
        {
            if (!LabelKeyPattern().IsMatch(key))
            {
                errors[$"/labels/{key}"] = ["A label key is 1 to 63 characters of letters, digits, '.', '_', '/' and '-'."];
            }
            else if (value is null || value.Length > MaxLabelValueLength)
            {
                errors[$"/labels/{key}"] = [$"A label value is a string of at most {MaxLabelValueLength} characters."];
            }
        }
    }

    public static Dictionary<string, string[]> Validate(CreateAgentRequest request)
    {
        var errors = new Dictionary<string, string[]>();
        ValidateName(request.Name, errors);
        ValidateDescription(request.Description, errors);
        ValidateTools(request.Tools, errors);
        ValidateLabels(request.Labels, errors);
        return errors;
    }

    public static Dictionary<string, string[]> Validate(UpdateAgentRequest request)
    {
        var errors = new Dictionary<string, string[]>();
        ValidateName(request.Name, errors, required: false);
        ValidateDescription(request.Description, errors);
        ValidateTools(request.Tools, errors);
        ValidateLabels(request.Labels, errors);
        return errors;
    }

    /// <summary>Distinct tool names in the order given.</summary>
    public static List<string> NormalizeTools(IReadOnlyList<string>? tools) =>
        tools?.Select(t => t.Trim()).Distinct(StringComparer.Ordinal).ToList() ?? [];
}
