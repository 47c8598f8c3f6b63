using Microsoft.Extensions.AI;
using AiMessage = Microsoft.Extensions.AI.ChatMessage;
using AiOptions = Microsoft.Extensions.AI.ChatOptions;
using Polly;
using Polly.CircuitBreaker;

namespace OrleansChat.Grains.Assistant.Providers;

/// <summary>One configured provider: its chat client behind its resilience pipeline.</summary>
internal sealed class AssistantProvider : IDisposable
{
    private readonly IChatClient _client;
    private readonly AssistantProviderOptions _options;
    private readonly TimeProvider _time;
    private readonly CircuitBreakerStateProvider _circuit = new();

    // Built here, once: jobs on several threads start at once, and a circuit's state provider joins one pipeline only.
    private readonly ResiliencePipeline _pipeline;

    public AssistantProvider(string name, IChatClient client, AssistantProviderOptions options, TimeProvider time)
    {
        Name = name;
        _client = client;
        _options = options;
        _time = time;
        _pipeline = ProviderPipeline.Build(options, time, _circuit);
    }

    /// <summary>What chunks and metrics call it: the kind, and the model when there is one.</summary>
    public string Name { get; }

    /// <summary>While the circuit is open, the chain goes straight to the next provider.</summary>
    public bool IsOpen => _circuit.CircuitState is CircuitState.Open or CircuitState.Isolated;

    /// <summary>The reply up to its first delta, through the pipeline; a <see cref="ProviderFailure"/> when there is none.</summary>
    public async Task<ProviderStream> StartAsync(IReadOnlyList<AiMessage> messages, AiOptions chatOptions, CancellationToken cancellationToken)
    {
        try
        {
            return await _pipeline.ExecuteAsync(
                static (state, token) => state.Provider.TryStartAsync(state.Messages, state.AiOptions, state.Outer, token),
                (Provider: this, Messages: messages, AiOptions: chatOptions, Outer: cancellationToken),
                cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            throw ProviderFailure.From(e, _time);
        }
    }

    public void Dispose() => _client.Dispose();

    private async ValueTask<ProviderStream> TryStartAsync(
        IReadOnlyList<AiMessage> messages, AiOptions chatOptions, CancellationToken outer, CancellationToken attempt)
    {
        // The stream outlives this try: it gets a token of its own that the try's timeout cancels only until the first delta.
        var stream = new ProviderStream(Name, _options.Timeout, _time, outer);
        try
        {
            using (attempt.Register(static s => ((ProviderStream)s!).Abort(), stream))
            {
                await stream.OpenAsync(_client, messages, chatOptions).ConfigureAwait(false);
            }

            return stream;
        }
        catch (Exception e)
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            if (outer.IsCancellationRequested)
            {
                throw;
            }

            // Polly's timeout recognises its own cancellation only as an OperationCanceledException.
            attempt.ThrowIfCancellationRequested();

            throw ProviderFailure.From(e, _time);
        }
    }
}
