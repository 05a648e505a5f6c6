using AgentOrchestration.AppHost;
using Microsoft.Extensions.Configuration;

namespace Aspire.Hosting;

/// <summary>The app's secrets and outbound policy, as AppHost parameters handed to the services that need them.</summary>
public sealed record SecurityParameters(
    IResourceBuilder<ParameterResource> AdminApiKey,
    IResourceBuilder<ParameterResource> InternalApiKey,
    IResourceBuilder<ParameterResource> OutboundAllowList);

public static class SecurityExtensions
{
    public static SecurityParameters AddSecurityParameters(this IDistributedApplicationBuilder builder)
    {
        // Set with Parameters__admin-api-key; otherwise generated once and kept in the AppHost's user secrets.
        var admin = builder.AddParameter(ResourceNames.AdminApiKey,
            new GenerateParameterDefault { MinLength = 40, Special = false }, secret: true, persist: true);
        // Only the services see this one; a fresh value per run is fine locally.
        var internalKey = builder.AddParameter(ResourceNames.InternalApiKey,
            new GenerateParameterDefault { MinLength = 40, Special = false }, secret: true);
        // Hosts, IPs or CIDRs that HTTP tools and MCP sources may reach although they are private; empty by default.
        var allowList = builder.AddParameter(ResourceNames.OutboundAllowList,
            builder.Configuration[$"Parameters:{ResourceNames.OutboundAllowList}"] ?? "", publishValueAsDefault: true);
        return new SecurityParameters(admin, internalKey, allowList);
    }

    /// <summary>Every service checks the internal credential and sends it on its calls to its siblings.</summary>
    public static IResourceBuilder<ProjectResource> WithInternalCredential(
        this IResourceBuilder<ProjectResource> project, SecurityParameters security) =>
        project.WithEnvironment("Security__InternalKey", security.InternalApiKey);

    public static IResourceBuilder<ProjectResource> WithAdminApiKey(
        this IResourceBuilder<ProjectResource> project, SecurityParameters security) =>
        project.WithEnvironment("Security__AdminApiKey", security.AdminApiKey);

    public static IResourceBuilder<ProjectResource> WithOutboundPolicy(
        this IResourceBuilder<ProjectResource> project, SecurityParameters security) =>
        project.WithEnvironment("Security__OutboundAllowList", security.OutboundAllowList);
}
