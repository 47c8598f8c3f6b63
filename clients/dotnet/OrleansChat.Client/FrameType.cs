namespace OrleansChat.Client;

/// <summary>The <c>type</c> of a server frame (PROTOCOL.md 3.1 and 3.3); <see cref="Other"/> for a type this client does not know.</summary>
public enum FrameType
{
    Other,
    Welcome,
    Ack,
    Synced,
    Message,
    Typing,
    Receipt,
    Chunk,
    Presence,
    Chat,
    Error,
    Pong,
}

/// <summary>Where a string value lies in the frame, without its quotes; Length -1 when the field is absent.</summary>
internal readonly record struct Field(int Start, int Length, bool Escaped)
{
    public static readonly Field Absent = new(0, -1, false);
}

/// <summary>
/// The top-level fields a <see cref="ServerFrame"/> locates in its one scan, so that reading one of them later needs no
/// second scan: strings and arrays (<c>mentions</c>, <c>reactions</c>, <c>attachments</c>) by where they lie, the change fields of
/// PROTOCOL.md 6.2 by value.
/// </summary>
internal struct Fields()
{
    public Field Type = Field.Absent;
    public Field Ref = Field.Absent;
    public Field ChatId = Field.Absent;
    public Field ClientMsgId = Field.Absent;
    public Field MessageId = Field.Absent;
    public Field SenderId = Field.Absent;
    public Field Content = Field.Absent;
    public Field SentAt = Field.Absent;
    public Field UserId = Field.Absent;
    public Field Code = Field.Absent;
    public Field Message = Field.Absent;
    public Field Kind = Field.Absent;
    public Field EditedAt = Field.Absent;
    public Field Mentions = Field.Absent;
    public Field Reactions = Field.Absent;
    public Field Attachments = Field.Absent;
    public Field JobId = Field.Absent;
    public long? Target;
    public long? ReplyTo;
    public bool Remove;
    public bool Deleted;
    public bool Stopped;

    public void Set(ReadOnlySpan<byte> name, Field field)
    {
        switch (name.Length)
        {
            case 3 when name.SequenceEqual("ref"u8): Ref = field; break;
            case 4 when name.SequenceEqual("code"u8): Code = field; break;
            case 4 when name.SequenceEqual("kind"u8): Kind = field; break;
            case 5 when name.SequenceEqual("jobId"u8): JobId = field; break;
            case 6 when name.SequenceEqual("chatId"u8): ChatId = field; break;
            case 6 when name.SequenceEqual("sentAt"u8): SentAt = field; break;
            case 6 when name.SequenceEqual("userId"u8): UserId = field; break;
            case 7 when name.SequenceEqual("content"u8): Content = field; break;
            case 7 when name.SequenceEqual("message"u8): Message = field; break;
            case 8 when name.SequenceEqual("senderId"u8): SenderId = field; break;
            case 8 when name.SequenceEqual("editedAt"u8): EditedAt = field; break;
            case 9 when name.SequenceEqual("messageId"u8): MessageId = field; break;
            case 11 when name.SequenceEqual("clientMsgId"u8): ClientMsgId = field; break;
        }
    }

    /// <summary>A top-level array; its field spans the whole array, brackets included.</summary>
    public void SetArray(ReadOnlySpan<byte> name, Field field)
    {
        if (name.SequenceEqual("mentions"u8))
        {
            Mentions = field;
        }
        else if (name.SequenceEqual("reactions"u8))
        {
            Reactions = field;
        }
        else if (name.SequenceEqual("attachments"u8))
        {
            Attachments = field;
        }
    }

    public void SetNumber(ReadOnlySpan<byte> name, long value)
    {
        if (name.SequenceEqual("target"u8))
        {
            Target = value;
        }
        else if (name.SequenceEqual("replyTo"u8))
        {
            ReplyTo = value;
        }
    }

    public void SetTrue(ReadOnlySpan<byte> name)
    {
        if (name.SequenceEqual("remove"u8))
        {
            Remove = true;
        }
        else if (name.SequenceEqual("deleted"u8))
        {
            Deleted = true;
        }
        else if (name.SequenceEqual("stopped"u8))
        {
            Stopped = true;
        }
    }
}
