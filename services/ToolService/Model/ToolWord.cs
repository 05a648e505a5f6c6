namespace AgentOrchestration.ToolService.Model;

/// <summary>
/// One distinct word of the tools' search text. Together they are the vocabulary that a misspelled query word is
/// corrected against: a few thousand rows whatever the number of tools. A trigger on <c>tools</c> adds new words.
/// </summary>
public sealed class ToolWord
{
    public required string Word { get; init; }
}
