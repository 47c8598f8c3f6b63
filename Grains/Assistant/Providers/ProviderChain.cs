using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using AiMessage = Microsoft.Extensions.AI.ChatMessage;
using AiOptions = Microsoft.Extensions.AI.ChatOptions;
using Microsoft.Extensions.Logging;

namespace OrleansChat.Grains.Assistant.Providers;

/// <summary>
/// <see cref="IAssistantReplies"/> over the configured providers: attempt k starts at provider (k-1) mod n; a provider
/// that fails (or whose circuit is open) before its first delta hands over to the next; after deltas a failure ends the
/// attempt.
/// </summary>
internal sealed partial class ProviderChain(IReadOnlyList<AssistantProvider> providers, ChatContext context, ILogger<ProviderChain> logger)
    : IAssistantReplies, IDisposable
{
    /// <summary>Keys of <see cref="AiOptions.AdditionalProperties"/> that tell the built-in provider where it answers.</summary>
    public const string ChatIdProperty = "orleanschat.chatId";
    public const string SeqProperty = "orleanschat.seq";

    public async IAsyncEnumerable<AssistantReplyUpdate> StreamAsync(AssistantRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var messages = await context.ReadAsync(request, cancellationToken).ConfigureAwait(false);
        var chatOptions = new AiOptions
        {
            AdditionalProperties = new() { [ChatIdProperty] = request.ChatId, [SeqProperty] = request.Seq },
        };

        var (provider, stream) = await StartAsync(request, messages, chatOptions, cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            yield return new AssistantReplyUpdate(provider.Name, stream.First);
            while (await stream.NextAsync().ConfigureAwait(false) is { } delta)
            {
                yield return new AssistantReplyUpdate(provider.Name, delta);
            }
        }
    }

    public void Dispose()
    {
        foreach (var provider in providers)
        {
            provider.Dispose();
        }
    }

    private async Task<(AssistantProvider Provider, ProviderStream Stream)> StartAsync(
        AssistantRequest request, IReadOnlyList<AiMessage> messages, AiOptions chatOptions, CancellationToken cancellationToken)
    {
        ProviderFailure? last = null;
        var first = (Math.Max(request.Attempt, 1) - 1) % providers.Count;
        for (var i = 0; i < providers.Count; i++)
        {
            var provider = providers[(first + i) % providers.Count];
            if (provider.IsOpen)
            {
                LogSkipped(request.JobId, provider.Name);
                last = new ProviderFailure(ProviderFailure.Unavailable, false, "its circuit is open after repeated failures");
                continue;
            }

            try
            {
                return (provider, await provider.StartAsync(messages, chatOptions, cancellationToken).ConfigureAwait(false));
            }
            catch (ProviderFailure failure)
            {
                LogFailed(request.JobId, provider.Name, failure.Code, failure.Message, failure.InnerException?.GetType().FullName ?? "none");
                last = failure;
            }
        }

        throw new AssistantProviderException(
            last?.Code ?? ProviderFailure.Unavailable,
            $"No provider could begin a reply; the last one tried failed: {last?.Message}",
            last?.RetryAfter,
            last);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId}: provider {Provider} is skipped, its circuit is open")]
    private partial void LogSkipped(string jobId, string provider);

    // The cause's type, never its message: a provider's own text may quote what it was sent.
    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId}: provider {Provider} failed before its first delta ({Code}: {Reason}; cause {Cause}); trying the next")]
    private partial void LogFailed(string jobId, string provider, string code, string reason, string cause);
}
