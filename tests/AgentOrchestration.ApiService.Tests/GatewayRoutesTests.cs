using AgentOrchestration.ApiService.Gateway;

namespace AgentOrchestration.ApiService.Tests;

/// <summary>The proxy's tables are built by static initializers: what they read must be set by then.</summary>
public sealed class GatewayRoutesTests
{
    [Fact]
    public void EveryClusterLetsAToolCallRunLongerThanTheLongestToolTimeout()
    {
        Assert.NotEmpty(GatewayRoutes.Clusters);
        Assert.All(GatewayRoutes.Clusters, cluster =>
            Assert.True(cluster.HttpRequest?.ActivityTimeout > TimeSpan.FromMinutes(10), $"{cluster.ClusterId}: {cluster.HttpRequest?.ActivityTimeout}"));
    }
}
