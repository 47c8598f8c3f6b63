namespace OrleansChat.Client;

/// <summary>The <c>kind</c>s of PROTOCOL.md 6.1: a new text, or a change to one.</summary>
public static class MessageKinds
{
    public const string Text = "text";

    public const string Edit = "edit";

    public const string Delete = "delete";

    public const string Reaction = "reaction";

    /// <summary>Each kind with its UTF-8 bytes, for reading a frame's kind without decoding it.</summary>
    internal static readonly (string Name, byte[] Utf8)[] All =
        [(Text, "text"u8.ToArray()), (Edit, "edit"u8.ToArray()), (Delete, "delete"u8.ToArray()), (Reaction, "reaction"u8.ToArray())];
}
