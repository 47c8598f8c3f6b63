using System.Text.Json;

namespace OrleansChat.Gateway.Protocol;

/// <summary>The <c>message</c> frame (PROTOCOL.md 3.3, 6.2 and 7): a text with its state and attachments, or a change.</summary>
public static partial class Frames
{
    private static void WriteMessage(Utf8JsonWriter w, ChatMessage m)
    {
        w.WriteString("type", "message");
        w.WriteString("chatId", m.ChatId);
        w.WriteNumber("seq", m.Seq);
        w.WriteString("kind", SendKinds.ToWire(m.Kind));
        if (m.Kind != SendKind.Text)
        {
            WriteChange(w, m);
            return;
        }

        w.WriteString("messageId", m.MessageId.ToString("D"));
        w.WriteString("senderId", m.SenderId);
        w.WriteString("content", m.Content);
        w.WriteString("sentAt", Times.ToWire(m.SentAt));
        w.WriteString("clientMsgId", m.ClientMsgId);
        if (m.ReplyTo is { } replyTo)
        {
            w.WriteNumber("replyTo", replyTo);
        }

        WriteMentions(w, m.Mentions);
        if (m.Attachments.Count > 0)
        {
            WriteAttachments(w, m.Attachments);
        }

        if (m.EditedAt is { } editedAt)
        {
            w.WriteString("editedAt", Times.ToWire(editedAt));
        }

        if (m.Deleted)
        {
            w.WriteBoolean("deleted", true);
        }

        if (m.Reactions.Count > 0)
        {
            w.WriteStartArray("reactions");
            foreach (var reaction in m.Reactions)
            {
                w.WriteStartObject();
                w.WriteString("content", reaction.Content);
                w.WriteStartArray("userIds");
                foreach (var userId in reaction.UserIds)
                {
                    w.WriteStringValue(userId);
                }

                w.WriteEndArray();
                w.WriteEndObject();
            }

            w.WriteEndArray();
        }

        // An assistant's reply (PROTOCOL.md 9); other texts carry neither field.
        if (m.JobId is { } jobId)
        {
            w.WriteString("jobId", jobId);
        }

        if (m.Stopped)
        {
            w.WriteBoolean("stopped", true);
        }
    }

    /// <summary>A change event in the field order of PROTOCOL.md 6.2.</summary>
    private static void WriteChange(Utf8JsonWriter w, ChatMessage m)
    {
        w.WriteNumber("target", m.Target ?? 0);
        w.WriteString("content", m.Content);
        w.WriteString("senderId", m.SenderId);
        w.WriteString("messageId", m.MessageId.ToString("D"));
        w.WriteString("sentAt", Times.ToWire(m.SentAt));
        w.WriteString("clientMsgId", m.ClientMsgId);
        if (m.Remove)
        {
            w.WriteBoolean("remove", true);
        }

        if (m.Kind == SendKind.Edit)
        {
            WriteMentions(w, m.Mentions);
        }
    }

    /// <summary>Attachment objects of PROTOCOL.md 7, as the upload answers them: width and height only for images.</summary>
    private static void WriteAttachments(Utf8JsonWriter w, IReadOnlyList<ChatAttachment> attachments)
    {
        w.WriteStartArray("attachments");
        foreach (var a in attachments)
        {
            w.WriteStartObject();
            w.WriteString("attachmentId", a.AttachmentId.ToString("D"));
            w.WriteString("name", a.Name);
            w.WriteString("contentType", a.ContentType);
            w.WriteNumber("size", a.Size);
            if (a.Width is { } width)
            {
                w.WriteNumber("width", width);
            }

            if (a.Height is { } height)
            {
                w.WriteNumber("height", height);
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    private static void WriteMentions(Utf8JsonWriter w, IReadOnlyList<string> mentions)
    {
        w.WriteStartArray("mentions");
        foreach (var userId in mentions)
        {
            w.WriteStringValue(userId);
        }

        w.WriteEndArray();
    }
}
