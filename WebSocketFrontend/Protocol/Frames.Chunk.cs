namespace OrleansChat.Gateway.Protocol;

/// <summary>The <c>chunk</c> frame (PROTOCOL.md 3.3 and 9): a piece of an assistant reply while it streams.</summary>
public static partial class Frames
{
    public static byte[] Chunk(AssistantChunk chunk) => Write(w =>
    {
        w.WriteString("type", "chunk");
        w.WriteString("chatId", chunk.ChatId);
        w.WriteString("jobId", chunk.JobId);
        w.WriteNumber("attempt", chunk.Attempt);
        w.WriteNumber("index", chunk.Index);
        w.WriteString("delta", chunk.Delta);
    });
}
