using System.Text.Json;

namespace OrleansChat.ClientTests;

using ChatMessage = OrleansChat.Client.ChatMessage;

/// <summary>PROTOCOL.md 9: an assistant's reply carries <c>jobId</c>, and <c>stopped</c> when a member stopped it.</summary>
public sealed class AssistantReplyFieldTests
{
    [Fact]
    public void A_replys_job_id_and_stopped_flag_are_read_from_a_message_and_a_plain_text_has_neither()
    {
        const string Reply = """
            {"chatId":"c1","seq":2,"kind":"text","messageId":"0193a000-0000-7000-8000-000000000002","senderId":"assistant","content":"It is","sentAt":"2026-11-30T01:00:00.000Z","clientMsgId":"job-1-reply","mentions":[],"jobId":"job-1","stopped":true}
            """;
        const string Plain = """
            {"chatId":"c1","seq":1,"kind":"text","messageId":"0193a000-0000-7000-8000-000000000001","senderId":"alice","content":"hi","sentAt":"2026-11-30T01:00:00.000Z","clientMsgId":"k1","mentions":[]}
            """;

        var reply = ChatMessage.FromJson(JsonDocument.Parse(Reply).RootElement);
        var plain = ChatMessage.FromJson(JsonDocument.Parse(Plain).RootElement);

        Assert.Equal(("job-1", true, "It is"), (reply.JobId, reply.Stopped, reply.Content));
        Assert.Equal((null, false, "hi"), (plain.JobId, plain.Stopped, plain.Content));
        Assert.NotEqual(reply with { JobId = null }, reply);
        Assert.NotEqual(reply with { Stopped = false }, reply);
    }
}
