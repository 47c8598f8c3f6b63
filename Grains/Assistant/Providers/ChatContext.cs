using Microsoft.Extensions.AI;
using AiMessage = Microsoft.Extensions.AI.ChatMessage;
using AiOptions = Microsoft.Extensions.AI.ChatOptions;
using AiRole = Microsoft.Extensions.AI.ChatRole;
using OrleansChat.Persistence;

namespace OrleansChat.Grains.Assistant.Providers;

/// <summary>
/// What a provider is sent: a short system prompt, then the chat's last <c>Assistant:ContextMessages</c> texts that are
/// not deleted (content after edits) up to the asking message, the assistant's as <c>assistant</c>, everyone else's as
/// <c>user</c> named by their user id.
/// </summary>
internal sealed class ChatContext(IMessageStore store, string assistantId, int size)
{
    /// <summary>Rows read per page: changes take seqs too, so a page may hold fewer texts than it reads.</summary>
    private const int PageSize = 100;

    public string SystemPrompt =>
        $"You are {assistantId}, an assistant that is a member of this chat. Each user message is named by its sender's "
        + "user id. Answer the last message helpfully and briefly, in plain text.";

    public async Task<IReadOnlyList<AiMessage>> ReadAsync(AssistantRequest request, CancellationToken cancellationToken)
    {
        var texts = new List<StoredMessage>(size);
        var before = request.Seq + 1;
        while (texts.Count < size)
        {
            var page = await store.ReadAsync(request.ChatId, MessageRange.Before(before, PageSize), cancellationToken).ConfigureAwait(false);
            for (var i = page.Messages.Count - 1; i >= 0 && texts.Count < size; i--)
            {
                if (page.Messages[i] is { Kind: MessageKind.Text, Deleted: false } text)
                {
                    texts.Add(text);
                }
            }

            if (!page.HasMore || page.Messages.Count == 0)
            {
                break;
            }

            before = page.Messages[0].Seq;
        }

        texts.Reverse();
        var messages = new List<AiMessage>(texts.Count + 2) { new(AiRole.System, SystemPrompt) };
        messages.AddRange(texts.Select(ToChatMessage));
        if (texts.Count == 0 || texts[^1].Seq != request.Seq)
        {
            // The asking message was deleted (or is not readable yet): the prompt the job holds still asks.
            messages.Add(new AiMessage(AiRole.User, request.Prompt) { AuthorName = request.RequesterId });
        }

        return messages;
    }

    private AiMessage ToChatMessage(StoredMessage text) => text.SenderId == assistantId
        ? new AiMessage(AiRole.Assistant, text.Content)
        : new AiMessage(AiRole.User, text.Content) { AuthorName = text.SenderId };
}
