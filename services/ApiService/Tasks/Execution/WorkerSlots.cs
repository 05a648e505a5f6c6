namespace AgentOrchestration.ApiService.Tasks.Execution;

/// <summary>
/// A replica's worker slots, counted per agent: one agent may hold at most its share, so a flood of one agent's slow
/// tasks leaves room for another agent's task to start at once. Claims ask <see cref="AgentsAtShare"/> and skip them.
/// </summary>
public sealed class WorkerSlots(int total, int perAgent)
{
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
            if (_used >= total || _byAgent.GetValueOrDefault(agentId) >= perAgent)
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
            return _byAgent.Where(a => a.Value >= perAgent).Select(a => a.Key).ToArray();
        }
    }
}
