using AgentOrchestration.TaskService.Tasks.Execution;

namespace AgentOrchestration.TaskService.Tests;

/// <summary>One agent cannot take all of a replica's worker slots: another agent's task still gets one at once.</summary>
public sealed class WorkerSlotsTests
{
    [Fact]
    public void AnAgentThatFilledItsShareLeavesRoomForAnother()
    {
        var options = new TaskOptions { MaxConcurrentTasks = 8 };
        var slots = new WorkerSlots(options.MaxConcurrentTasks, options.AgentShare, options.ReservedSlots);
        var flooding = Guid.NewGuid();
        var other = Guid.NewGuid();

        var taken = Enumerable.Range(0, 100).Count(_ => slots.TryTake(flooding));

        Assert.Equal(7, taken); // alone it may use all but the reserve (an eighth of 8)
        Assert.Equal([flooding], slots.AgentsAtShare());
        Assert.True(slots.TryTake(other));
        Assert.False(slots.TryTake(flooding));
    }

    [Fact]
    public void AConfiguredShareIsAHardCap()
    {
        var options = new TaskOptions { MaxConcurrentTasks = 8, MaxRunningPerAgentPerReplica = 4 };
        var slots = new WorkerSlots(options.MaxConcurrentTasks, options.AgentShare, options.ReservedSlots);
        var flooding = Guid.NewGuid();

        Assert.Equal(4, Enumerable.Range(0, 100).Count(_ => slots.TryTake(flooding)));
        Assert.True(slots.TryTake(Guid.NewGuid()));
        Assert.True(slots.HasFree);
    }

    [Fact]
    public void ReleasingASlotGivesTheAgentRoomAgain()
    {
        var slots = new WorkerSlots(total: 4, perAgent: 2);
        var agent = Guid.NewGuid();
        Assert.True(slots.TryTake(agent));
        Assert.True(slots.TryTake(agent));
        Assert.False(slots.TryTake(agent));

        slots.Release(agent);

        Assert.Empty(slots.AgentsAtShare());
        Assert.True(slots.TryTake(agent));
        Assert.Equal(2, slots.Used);
    }

    [Fact]
    public void NoAgentGetsASlotWhenAllAreTaken()
    {
        var slots = new WorkerSlots(total: 2, perAgent: 2);
        Assert.True(slots.TryTake(Guid.NewGuid()));
        Assert.True(slots.TryTake(Guid.NewGuid()));

        Assert.False(slots.TryTake(Guid.NewGuid()));
        Assert.False(slots.HasFree);
    }

    [Theory]
    [InlineData(64, null, 32)]
    [InlineData(64, 10, 10)]
    [InlineData(1, null, 1)]
    [InlineData(4, 100, 4)]
    public void TheShareDefaultsToHalfTheSlots(int slots, int? configured, int share) =>
        Assert.Equal(share, new TaskOptions { MaxConcurrentTasks = slots, MaxRunningPerAgentPerReplica = configured }.AgentShare);
}
