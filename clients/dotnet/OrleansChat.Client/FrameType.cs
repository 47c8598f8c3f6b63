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
/// The top-level string fields a <see cref="ServerFrame"/> locates in its one scan, so that reading one of them later
/// needs no second scan.
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

    public void Set(ReadOnlySpan<byte> name, Field field)
    {
        switch (name.Length)
        {
            case 3 when name.SequenceEqual("ref"u8): Ref = field; break;
            case 4 when name.SequenceEqual("code"u8): Code = field; break;
            case 6 when name.SequenceEqual("chatId"u8): ChatId = field; break;
            case 6 when name.SequenceEqual("sentAt"u8): SentAt = field; break;
            case 6 when name.SequenceEqual("userId"u8): UserId = field; break;
            case 7 when name.SequenceEqual("content"u8): Content = field; break;
            case 7 when name.SequenceEqual("message"u8): Message = field; break;
            case 8 when name.SequenceEqual("senderId"u8): SenderId = field; break;
            case 9 when name.SequenceEqual("messageId"u8): MessageId = field; break;
            case 11 when name.SequenceEqual("clientMsgId"u8): ClientMsgId = field; break;
        }
    }
}
