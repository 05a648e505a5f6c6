using System.Collections.Concurrent;
using System.Threading.Channels;
using AgentOrchestration.ServiceCommon.Contracts;

namespace AgentOrchestration.LoggingService.Events;

/// <summary>
/// Fans stored events out to live subscribers (SSE connections) of this replica. A slow subscriber loses the
/// oldest buffered events rather than slowing everyone; task streams fill such gaps from the store.
/// </summary>
public sealed class EventBroadcaster
{
    private const int BufferPerSubscriber = 10_000;
    private readonly ConcurrentDictionary<Guid, (Func<ExecutionEvent, bool> Filter, Channel<ExecutionEvent> Channel)> _subscribers = new();

    public Subscription Subscribe(Func<ExecutionEvent, bool> filter)
    {
        var id = Guid.NewGuid();
        var channel = Channel.CreateBounded<ExecutionEvent>(new BoundedChannelOptions(BufferPerSubscriber)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
        });
        _subscribers[id] = (filter, channel);
        return new Subscription(channel.Reader, () => _subscribers.TryRemove(id, out _));
    }

    public void Publish(IEnumerable<ExecutionEvent> events)
    {
        foreach (var e in events)
        {
            foreach (var (filter, channel) in _subscribers.Values)
            {
                if (filter(e))
                {
                    channel.Writer.TryWrite(e);
                }
            }
        }
    }

    public int SubscriberCount => _subscribers.Count;

    public sealed class Subscription(ChannelReader<ExecutionEvent> reader, Action unsubscribe) : IDisposable
    {
        public ChannelReader<ExecutionEvent> Reader { get; } = reader;

        public void Dispose() => unsubscribe();
    }
}
