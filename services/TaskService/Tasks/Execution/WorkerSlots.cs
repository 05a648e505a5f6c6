namespace AgentOrchestration.TaskService.Tasks.Execution;

/// <summary>
/// A replica's worker slots, counted per agent, so a flood of one agent's slow tasks leaves room for another agent's
/// task to start at once. Past its share an agent may take more only while more than <paramref name="reserve"/> slots
/// stay free: alone, it can use nearly the whole replica; another agent always finds the reserve. With the reserve
/// equal to the total, the share is a hard cap. Claims ask <see cref="AgentsAtShare"/> and skip those agents.
/// </summary>
public sealed class WorkerSlots(int total, int perAgent, int? reserve = null)
{
    private readonly int _reserve = reserve ?? total;

    private readonly Lock _lock = new();
    private readonly Dictionary<Guid, int> _byAgent = [];
    private int _used;

    public int Total => total;

    public int PerAgent => perAgent;

    public int Used
    {
        get
        {
            lock (_lock)
            {
                return _used;
            }
        }
    }

    public bool HasFree => Used < total;

    /// <summary>Takes a slot for the agent's task when one is free and the agent is below its share.</summary>
    public bool TryTake(Guid agentId)
    {
        lock (_lock)
        {
            if (_used >= total || IsAtShare(_byAgent.GetValueOrDefault(agentId)))
            {
                return false;
            }

            Take(agentId);
            return true;
        }
    }

    /// <summary>Takes a slot for a task already claimed with <see cref="AgentsAtShare"/> excluded (a race may overshoot by one).</summary>
    public void Take(Guid agentId)
    {
        lock (_lock)
        {
            _used++;
            _byAgent[agentId] = _byAgent.GetValueOrDefault(agentId) + 1;
        }
    }

    public void Release(Guid agentId)
    {
        lock (_lock)
        {
            _used--;
            if (_byAgent.TryGetValue(agentId, out var count) && count > 1)
            {
                _byAgent[agentId] = count - 1;
            }
            else
            {
                _byAgent.Remove(agentId);
            }
        }
    }

    /// <summary>The agents that hold their whole share here: a claim must not give them another slot.</summary>
    public Guid[] AgentsAtShare()
    {
        lock (_lock)
        {
            return _byAgent.Where(a => IsAtShare(a.Value)).Select(a => a.Key).ToArray();
        }
    }

    private bool IsAtShare(int held) => held >= perAgent && total - _used <= _reserve;
}
