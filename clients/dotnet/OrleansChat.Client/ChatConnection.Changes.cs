namespace OrleansChat.Client;

/// <summary>Replies and the changes of PROTOCOL.md 6.1, each a <c>send</c> acknowledged at a seq of its own.</summary>
public sealed partial class ChatConnection
{
    /// <summary>Sends a text that answers the text at <paramref name="replyTo"/>; completes with its <c>ack</c>.</summary>
    public Task<Ack> SendAsync(string chatId, string clientMsgId, string content, long replyTo, CancellationToken cancellationToken = default) =>
        SendAsync(chatId, clientMsgId, OutgoingMessage.Text(content, replyTo), cancellationToken);

    /// <summary>Replaces the content of this user's text at <paramref name="target"/>.</summary>
    public Task<Ack> EditAsync(string chatId, string clientMsgId, long target, string content, CancellationToken cancellationToken = default) =>
        SendAsync(chatId, clientMsgId, OutgoingMessage.Edit(target, content), cancellationToken);

    /// <summary>Deletes the text at <paramref name="target"/> for everyone (this user's, or any in a group they own).</summary>
    public Task<Ack> DeleteAsync(string chatId, string clientMsgId, long target, CancellationToken cancellationToken = default) =>
        SendAsync(chatId, clientMsgId, OutgoingMessage.Delete(target), cancellationToken);

    /// <summary>Adds this user's reaction <paramref name="emoji"/> to the text at <paramref name="target"/>, or takes it away.</summary>
    public Task<Ack> ReactAsync(
        string chatId, string clientMsgId, long target, string emoji, bool remove = false, CancellationToken cancellationToken = default) =>
        SendAsync(chatId, clientMsgId, OutgoingMessage.Reaction(target, emoji, remove), cancellationToken);

    /// <summary>
    /// Sends a change to the text at <paramref name="target"/> (PROTOCOL.md 6.1): <paramref name="kind"/> is <c>edit</c>,
    /// <c>delete</c> (no content) or <c>reaction</c> (<paramref name="remove"/> takes one away).
    /// </summary>
    public Task<Ack> SendChangeAsync(
        string chatId, string clientMsgId, string kind, long target, string? content = null, bool remove = false, CancellationToken cancellationToken = default) =>
        SendAsync(chatId, clientMsgId, new OutgoingMessage(kind, content, target, Remove: remove), cancellationToken);

    /// <summary>
    /// Sends a text or a change and completes with its <c>ack</c>; an <c>error</c> reply throws
    /// <see cref="ChatErrorException"/>. A text is written without <c>kind</c>, as a plain send.
    /// </summary>
    public async Task<Ack> SendAsync(string chatId, string clientMsgId, OutgoingMessage message, CancellationToken cancellationToken = default)
    {
        var reply = await AskAsync("send", (chatId, clientMsgId, message), static (writer, send) =>
        {
            writer.WriteString("chatId"u8, send.chatId);
            writer.WriteString("clientMsgId"u8, send.clientMsgId);
            var m = send.message;
            if (m.Kind != MessageKinds.Text)
            {
                writer.WriteString("kind"u8, m.Kind);
            }

            if (m.Target is { } target)
            {
                writer.WriteNumber("target"u8, target);
            }

            if (m.Content is not null)
            {
                writer.WriteString("content"u8, m.Content);
            }

            if (m.ReplyTo is { } replyTo)
            {
                writer.WriteNumber("replyTo"u8, replyTo);
            }

            if (m.Attachments is { Count: > 0 } attachments)
            {
                writer.WriteStartArray("attachments"u8);
                foreach (var id in attachments)
                {
                    writer.WriteStringValue(id);
                }

                writer.WriteEndArray();
            }

            if (m.Remove)
            {
                writer.WriteBoolean("remove"u8, true);
            }
        }, cancellationToken).ConfigureAwait(false);
        return reply.Type == FrameType.Ack
            ? new Ack(chatId, clientMsgId, reply.Seq, reply.MessageId ?? "", reply.SentAt ?? "")
            : throw reply.ToException("send");
    }
}
