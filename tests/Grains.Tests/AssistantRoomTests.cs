namespace OrleansChat.Grains.Tests;

/// <summary>Which sends start assistant jobs, and which the room refuses for the assistant's sake (PROTOCOL.md 9).</summary>
[Collection(SharedAssistantCluster.Name)]
public sealed class AssistantRoomTests(AssistantClusterFixture fixture) : AssistantTestBase(fixture)
{
    [Fact]
    public async Task A_text_in_a_direct_chat_with_the_assistant_starts_the_job_its_message_id_names()
    {
        var chat = await DirectChatWithAssistant();

        var result = await Send(chat.Room, chat.UserId, NewPrompt().Prompt);
        var job = await Job(result.JobId!).GetJob();

        Assert.Equal(AssistantJobIds.For(result.MessageId), result.JobId);
        Assert.Equal((chat.Room.GetPrimaryKeyString(), result.Seq), (job!.ChatId, job.Seq));
    }

    [Fact]
    public async Task The_assistant_keeps_no_list_of_its_chats_while_each_user_keeps_theirs_and_it_still_answers()
    {
        var first = await DirectChatWithAssistant();
        var second = await DirectChatWithAssistant();
        var ownerId = NewUserId();
        var group = await NewGroup(ownerId, AssistantId);

        Assert.Empty(await Client.GetGrain<IUserGrain>(AssistantId).GetChats());
        Assert.Equal([first.Room.GetPrimaryKeyString()], (await Client.GetGrain<IUserGrain>(first.UserId).GetChats()).Select(c => c.ChatId));
        Assert.Equal([group.GetPrimaryKeyString()], (await Client.GetGrain<IUserGrain>(ownerId).GetChats()).Select(c => c.ChatId));
        Assert.NotNull((await Send(second.Room, second.UserId, NewPrompt().Prompt)).JobId);
        Assert.NotNull((await Send(group, ownerId, NewPrompt("@assistant help").Prompt)).JobId);
    }

    [Fact]
    public async Task Sending_the_same_client_message_id_again_answers_the_same_job()
    {
        var chat = await DirectChatWithAssistant();
        var command = new SendCommand(chat.UserId, NewClientMsgId(), NewPrompt().Prompt);

        var first = await chat.Room.Send(command);
        var again = await chat.Room.Send(command);

        Assert.Equal(first, again);
        Assert.NotNull(again.JobId);
    }

    [Fact]
    public async Task A_group_text_that_mentions_the_assistant_starts_a_job_and_one_that_does_not_starts_none()
    {
        var ownerId = NewUserId();
        var room = await NewGroup(ownerId, AssistantId);

        var plain = await Send(room, ownerId, NewPrompt("just chatting").Prompt);
        var mention = await Send(room, ownerId, NewPrompt("@assistant help").Prompt);

        Assert.Null(plain.JobId);
        Assert.NotNull(mention.JobId);
        Assert.NotNull(await Job(mention.JobId!).GetJob());
    }

    [Fact]
    public async Task A_mention_of_the_assistant_in_a_group_it_is_not_in_starts_no_job()
    {
        var ownerId = NewUserId();
        var room = await NewGroup(ownerId, NewUserId());

        var result = await Send(room, ownerId, NewPrompt("@assistant help").Prompt);

        Assert.Null(result.JobId);
    }

    [Fact]
    public async Task Asking_the_assistant_in_a_group_without_it_is_refused_and_stores_nothing()
    {
        var ownerId = NewUserId();
        var room = await NewGroup(ownerId, NewUserId());

        var code = await ErrorOf(() => room.Send(new SendCommand(ownerId, NewClientMsgId(), "hello") { AskAssistant = true }));

        Assert.Equal(ChatErrorCode.BadRequest, code);
        Assert.Empty(await AllMessages(room, ownerId));
    }

    [Fact]
    public async Task Asking_the_assistant_in_a_group_with_it_starts_a_job_without_a_mention()
    {
        var ownerId = NewUserId();
        var room = await NewGroup(ownerId, AssistantId);

        var result = await room.Send(new SendCommand(ownerId, NewClientMsgId(), NewPrompt().Prompt) { AskAssistant = true });

        Assert.Equal(AssistantJobIds.For(result.MessageId), result.JobId);
    }

    [Fact]
    public async Task A_send_carrying_a_job_id_from_anyone_but_the_assistant_is_refused_and_stores_nothing()
    {
        var chat = await DirectChatWithAssistant();

        var code = await ErrorOf(() => chat.Room.Send(new SendCommand(chat.UserId, NewClientMsgId(), "forged") { JobId = "jforged" }));

        Assert.Equal(ChatErrorCode.BadRequest, code);
        Assert.Empty(await AllMessages(chat.Room, chat.UserId));
    }

    [Fact]
    public async Task The_assistants_own_texts_start_no_job()
    {
        var chat = await DirectChatWithAssistant();

        var result = await Send(chat.Room, AssistantId, "I speak unprompted");

        Assert.Null(result.JobId);
    }
}
