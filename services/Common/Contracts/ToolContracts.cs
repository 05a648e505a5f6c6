namespace AgentOrchestration.ServiceCommon.Contracts;

/// <summary>Internal contract between the ApiService and the ToolService: which tool names exist.</summary>
public sealed record ToolLookupRequest(IReadOnlyList<string> Names);

public sealed record ToolLookupResponse(IReadOnlyList<string> Found, IReadOnlyList<string> Missing);
