using Microsoft.Extensions.AI;
using AiMessage = Microsoft.Extensions.AI.ChatMessage;
using AiOptions = Microsoft.Extensions.AI.ChatOptions;

namespace OrleansChat.Grains.Assistant.Providers;

/// <summary>A provider's reply once it has begun: the first delta, then the rest, each within the provider's timeout.</summary>
internal sealed class ProviderStream : IAsyncDisposable
{
    private readonly string _provider;
    private readonly TimeSpan _timeout;
    private readonly TimeProvider _time;
    private readonly CancellationToken _outer;
    private readonly CancellationTokenSource _cancel;
    private readonly CancellationTokenSource _idle;
    private IAsyncEnumerator<ChatResponseUpdate>? _updates;
    private bool _finished;

    public ProviderStream(string provider, TimeSpan timeout, TimeProvider time, CancellationToken outer)
    {
        _provider = provider;
        _timeout = timeout;
        _time = time;
        _outer = outer;
        _cancel = CancellationTokenSource.CreateLinkedTokenSource(outer);
        _idle = new CancellationTokenSource(Timeout.InfiniteTimeSpan, time);
        _idle.Token.Register(static s => ((CancellationTokenSource)s!).Cancel(), _cancel);
    }

    /// <summary>The first non-empty delta, once <see cref="OpenAsync"/> returned.</summary>
    public string First { get; private set; } = "";

    public void Abort() => _cancel.Cancel();

    public async Task OpenAsync(IChatClient client, IReadOnlyList<AiMessage> messages, AiOptions chatOptions)
    {
        _updates = client.GetStreamingResponseAsync(messages, chatOptions, _cancel.Token).GetAsyncEnumerator(_cancel.Token);
        First = await NextTextAsync().ConfigureAwait(false)
            ?? throw new ProviderFailure(ProviderFailure.BadResponse, false, "it ended its answer without any text");
    }

    /// <summary>The next delta, null at the end; an <see cref="AssistantProviderException"/> when the provider fails.</summary>
    public async Task<string?> NextAsync()
    {
        _idle.CancelAfter(_timeout);
        try
        {
            return await NextTextAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (!_outer.IsCancellationRequested)
        {
            var failure = _idle.IsCancellationRequested
                ? new ProviderFailure(ProviderFailure.TimedOut, true, "no delta within the provider's timeout", inner: e)
                : ProviderFailure.From(e, _time);
            throw failure.ToProviderException(_provider);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_updates is not null)
        {
            try
            {
                await _updates.DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or IOException or HttpRequestException)
            {
                // The connection is going away anyway; nothing is left to read from it.
            }
        }

        _idle.Dispose();
        _cancel.Dispose();
    }

    private async Task<string?> NextTextAsync()
    {
        while (await _updates!.MoveNextAsync().ConfigureAwait(false))
        {
            _finished |= _updates.Current.FinishReason is not null;
            if (_updates.Current.Text is { Length: > 0 } text)
            {
                return text;
            }
        }

        // A connection closed half way can look like an ordinary end; only a finish reason says the reply is whole.
        return _finished ? null : throw new ProviderFailure(ProviderFailure.Unavailable, true, "its stream ended before the reply was finished");
    }
}
