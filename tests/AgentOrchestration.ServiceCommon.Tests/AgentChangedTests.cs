using AgentOrchestration.ServiceCommon.Contracts;

namespace AgentOrchestration.ServiceCommon.Tests;

public sealed class AgentChangedTests
{
    [Fact]
    public void ANoticeRoundTripsAndCarriesOnlyTheContract()
    {
        var change = new AgentChanged(Guid.NewGuid(), "planner", AgentChanged.Deleted);
        var notice = change.ToNotice();

        Assert.Equal(change, AgentChanged.FromNotice(notice));
        Assert.DoesNotContain("canStaleCaches", notice, StringComparison.OrdinalIgnoreCase);
        Assert.True(change.CanStaleCaches);
        Assert.False((change with { Change = AgentChanged.Created }).CanStaleCaches);
    }

    /// <summary>A message that is not a notice is nothing to act on (listeners then evict to be safe), never an exception.</summary>
    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("null")]
    [InlineData("""{"id":"not-a-guid","name":"x","change":"updated"}""")]
    [InlineData("[1,2]")]
    public void AMalformedNoticeIsNull(string message) => Assert.Null(AgentChanged.FromNotice(message));
}
