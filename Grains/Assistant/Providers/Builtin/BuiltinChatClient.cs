using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using AiMessage = Microsoft.Extensions.AI.ChatMessage;
using AiOptions = Microsoft.Extensions.AI.ChatOptions;
using AiRole = Microsoft.Extensions.AI.ChatRole;
using OrleansChat.Persistence;

namespace OrleansChat.Grains.Assistant.Providers.Builtin;

/// <summary>
/// The provider that needs no network and no key: <c>help</c>, <c>summarize</c>/<c>summarise</c> (extractive, over
/// the context it is sent), <c>search &lt;words&gt;</c> (the chat's history), and for anything else a plain word that no
/// language model is configured. It streams its answer in word groups, as a model would.
/// </summary>
internal sealed class BuiltinChatClient(IMessageSearch? search, string assistantId) : IChatClient
{
    private const int WordsPerDelta = 4;
    private static readonly ChatClientMetadata Metadata = new("builtin", defaultModelId: "builtin");

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<AiMessage> messages, AiOptions? options = null, CancellationToken cancellationToken = default) =>
        await GetStreamingResponseAsync(messages, options, cancellationToken).ToChatResponseAsync(cancellationToken).ConfigureAwait(false);

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<AiMessage> messages, AiOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var context = messages.ToList();
        var answer = await AnswerAsync(context, options, cancellationToken).ConfigureAwait(false);
        var deltas = WordGroups(answer).ToList();
        for (var i = 0; i < deltas.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return new ChatResponseUpdate(AiRole.Assistant, deltas[i])
            {
                ModelId = "builtin",
                FinishReason = i == deltas.Count - 1 ? ChatFinishReason.Stop : null,
            };

            // Each group goes out as its own chunk rather than all of them in one synchronous burst.
            await Task.Yield();
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is not null ? null
        : serviceType == typeof(ChatClientMetadata) ? Metadata
        : serviceType.IsInstanceOfType(this) ? this
        : null;

    public void Dispose()
    {
    }

    /// <summary>The answer cut into groups of a few words, spaces kept, so that the groups join to the whole answer.</summary>
    internal static IEnumerable<string> WordGroups(string answer)
    {
        var start = 0;
        var words = 0;
        for (var i = 1; i < answer.Length; i++)
        {
            if (char.IsWhiteSpace(answer[i - 1]) && !char.IsWhiteSpace(answer[i]) && ++words == WordsPerDelta)
            {
                yield return answer[start..i];
                start = i;
                words = 0;
            }
        }

        if (start < answer.Length)
        {
            yield return answer[start..];
        }
    }

    private async Task<string> AnswerAsync(List<AiMessage> context, AiOptions? options, CancellationToken cancellationToken)
    {
        var asking = context.LastOrDefault(m => m.Role == AiRole.User);
        var prompt = BuiltinAnswers.Command(asking?.Text ?? "", assistantId);
        var (verb, words) = Split(prompt);
        switch (verb)
        {
            case "help":
                return BuiltinAnswers.Help(assistantId);
            case "summarize" or "summarise":
                var earlier = context.Where(m => m.Role != AiRole.System && !ReferenceEquals(m, asking));
                return ExtractiveSummary.Of(earlier.Select(m => (m.AuthorName ?? assistantId, m.Text)).ToList());
            case "search":
                var chatId = options?.AdditionalProperties?.GetValueOrDefault(ProviderChain.ChatIdProperty) as string;
                var seq = options?.AdditionalProperties?.GetValueOrDefault(ProviderChain.SeqProperty) as long? ?? 0;
                return chatId is null ? BuiltinAnswers.NoModel : await SearchAsync(chatId, seq, words, cancellationToken).ConfigureAwait(false);
            default:
                return BuiltinAnswers.NoModel;
        }
    }

    private async Task<string> SearchAsync(string chatId, long askingSeq, string words, CancellationToken cancellationToken)
    {
        if (words.Length == 0)
        {
            return BuiltinAnswers.SearchUsage(assistantId);
        }

        if (search is null)
        {
            return BuiltinAnswers.NoSearch;
        }

        // One more than shown: the asking message holds the words too, and is left out.
        var page = await search.SearchAsync(new SearchQuery([chatId], words, BuiltinAnswers.SearchHits + 1), cancellationToken).ConfigureAwait(false);
        var hits = page.Results.Where(m => m.Seq != askingSeq && m.SenderId != assistantId).Take(BuiltinAnswers.SearchHits).ToList();
        return BuiltinAnswers.SearchResults(words, hits);
    }

    private static (string Verb, string Words) Split(string prompt)
    {
        var space = prompt.IndexOfAny([' ', '\t', '\n']);
        var verb = (space < 0 ? prompt : prompt[..space]).TrimEnd('.', '!', '?', ':').ToLowerInvariant();
        return (verb, space < 0 ? "" : prompt[(space + 1)..].Trim());
    }
}
