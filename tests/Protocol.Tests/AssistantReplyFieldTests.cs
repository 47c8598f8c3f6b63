using Microsoft.Extensions.DependencyInjection;
using OrleansChat.Gateway.Protocol;

namespace OrleansChat.ProtocolTests;

/// <summary>
/// PROTOCOL.md 9: an assistant's reply is a text carrying <c>jobId</c>, and <c>"stopped":true</c> when a member stopped
/// it, in its <c>message</c> frame, in sync and in history; every other message carries neither.
/// </summary>
[Collection(SharedServer.Name)]
public sealed class AssistantReplyFieldTests(ChatServerFixture fixture)
{
    // The default Assistant:UserId: only the assistant's sends carry a job id.
    private const string AssistantId = "assistant";

    private ChatServer Server => fixture.Server;

    [Fact]
    public async Task A_stopped_reply_carries_its_job_id_and_stopped_in_its_frame_in_sync_and_in_history_and_a_plain_text_neither()
    {
        var (alice, assistant) = (Server.NewUser("alice"), new ChatUser(Server, AssistantId));
        var chatId = await alice.CreateGroupIdAsync(assistant);
        await using var socket = await alice.ConnectAsync();
        var plain = await alice.PostMessageAsync(chatId, "what is the weather", "q1");
        var jobId = $"job-{Guid.NewGuid():N}";
        var room = Server.Services.GetRequiredService<IGrainFactory>().GetGrain<IChatRoomGrain>(chatId);

        var reply = await room.Send(new SendCommand(AssistantId, $"{jobId}-reply", "It is sunny") { JobId = jobId, Stopped = true });

        var expected = $$"""
            {"type":"message","chatId":"{{chatId}}","seq":2,"kind":"text","messageId":"{{reply.MessageId:D}}","senderId":"{{AssistantId}}","content":"It is sunny","sentAt":"{{Times.ToWire(reply.SentAt)}}","clientMsgId":"{{jobId}}-reply","mentions":[],"jobId":"{{jobId}}","stopped":true}
            """;
        var live = await socket.ReceiveAsync("message", chatId, m => m.Number("seq") == 2);
        Assert.Equal(expected, live.GetRawText());
        await using var reconnected = await alice.ConnectAsync();
        await reconnected.SendAsync(new { type = "sync", @ref = "s1", chats = new[] { new { chatId, afterSeq = 0 } } });
        var (synced, _) = await reconnected.ReceiveSyncedAsync("s1");
        Assert.Equal([plain.Number("seq"), 2L], synced.Select(m => m.Number("seq")));
        Assert.Equal(expected, synced[1].GetRawText());
        var history = (await alice.GetMessagesAsync(chatId, "?afterSeq=0")).Items("messages");
        Assert.Equal((jobId, true), (history[1].Text("jobId"), history[1].Flag("stopped")));
        foreach (var text in new[] { synced[0], history[0] })
        {
            Assert.False(text.TryGetProperty("jobId", out _), $"got {text}");
            Assert.False(text.TryGetProperty("stopped", out _), $"got {text}");
        }
    }

    [Fact]
    public async Task A_finished_reply_carries_its_job_id_without_stopped()
    {
        var (alice, assistant) = (Server.NewUser("alice"), new ChatUser(Server, AssistantId));
        var chatId = await alice.CreateGroupIdAsync(assistant);
        var jobId = $"job-{Guid.NewGuid():N}";
        var room = Server.Services.GetRequiredService<IGrainFactory>().GetGrain<IChatRoomGrain>(chatId);

        await room.Send(new SendCommand(AssistantId, $"{jobId}-reply", "Done") { JobId = jobId });

        var item = Assert.Single((await alice.GetMessagesAsync(chatId, "?afterSeq=0")).Items("messages"));
        Assert.Equal(jobId, item.Text("jobId"));
        Assert.False(item.TryGetProperty("stopped", out _), $"got {item}");
    }
}
