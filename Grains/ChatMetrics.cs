using System.Diagnostics.Metrics;

namespace OrleansChat.Grains;

/// <summary>The grains' instruments on the <c>OrleansChat</c> meter.</summary>
public sealed class ChatMetrics
{
    public const string MeterName = "OrleansChat";

    private readonly Counter<long> _messagesStored;
    private readonly Counter<long> _pushQueued;
    private readonly Histogram<int> _appendBatchSize;

    public ChatMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _messagesStored = meter.CreateCounter<long>("chat.messages.stored", "{message}", "Messages durably stored.");
        _pushQueued = meter.CreateCounter<long>("chat.push.queued", "{notification}", "Push notifications queued in the outbox.");
        _appendBatchSize = meter.CreateHistogram<int>("chat.append.batch_size", "{message}", "Messages per room append.");
    }

    public void MessagesStored(int messages, int pushRows)
    {
        _messagesStored.Add(messages);
        _appendBatchSize.Record(messages);
        if (pushRows > 0)
        {
            _pushQueued.Add(pushRows);
        }
    }
}
