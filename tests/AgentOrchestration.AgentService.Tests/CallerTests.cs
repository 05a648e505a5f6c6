using AgentOrchestration.ServiceCommon.Contracts;
using AgentOrchestration.ServiceCommon.Security;

namespace AgentOrchestration.AgentService.Tests;

/// <summary>"Is this reference me?" reads a reference the way the AgentService looks it up: an id is only an id.</summary>
public sealed class CallerTests
{
    private static readonly Guid Victim = Guid.CreateVersion7();

    [Fact]
    public void AnAgentNamedLikeAnotherAgentsIdIsNotThatAgent()
    {
        // A name stored before id-shaped names were refused: it must not pass as the agent whose id it spells.
        var impostor = new Caller(Roles.Agent, Guid.CreateVersion7(), Victim.ToString("N"));

        Assert.False(impostor.IsSelf(Victim.ToString("N")));
        Assert.False(impostor.IsSelf(Victim.ToString("D")));
        Assert.False(impostor.IsSelf(Victim.ToString("N").ToUpperInvariant()));
    }

    [Fact]
    public void AnAgentIsItselfByAnySpellingOfItsIdOrByItsNameInAnyCase()
    {
        var id = Guid.CreateVersion7();
        var caller = new Caller(Roles.Agent, id, "planner");

        Assert.All((string[])[id.ToString(), id.ToString("N"), id.ToString("B"), id.ToString().ToUpperInvariant(), "Planner", "planner"],
            reference => Assert.True(caller.IsSelf(reference), reference));
        Assert.False(caller.IsSelf("planner2"));
        Assert.False(caller.IsSelf(Guid.CreateVersion7().ToString()));
    }
}
