namespace OrleansChat.Persistence.Tests;

/// <summary>What a conformance subclass hands the suite: the store, its outbox, and how to let go of them.</summary>
public sealed class StoreUnderTest(IMessageStore messages, IPushOutbox outbox, Func<ValueTask>? dispose = null) : IAsyncDisposable
{
    public IMessageStore Messages { get; } = messages;

    public IPushOutbox Outbox { get; } = outbox;

    public ValueTask DisposeAsync() => dispose?.Invoke() ?? ValueTask.CompletedTask;
}
