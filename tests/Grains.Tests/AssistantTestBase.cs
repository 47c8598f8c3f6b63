namespace OrleansChat.Grains.Tests;

/// <summary>Asking the scripted assistant, and waiting for what its jobs do.</summary>
public abstract class AssistantTestBase(AssistantClusterFixture fixture) : ChatTestBase(fixture)
{
    protected const string AssistantId = "assistant";

    protected AssistantClusterFixture Assistant { get; } = fixture;

    protected IAssistantJobGrain Job(string jobId) => Client.GetGrain<IAssistantJobGrain>(jobId);

    /// <summary>A new user's direct chat with the assistant, subscribed by a gateway.</summary>
    protected async Task<AssistantChat> DirectChatWithAssistant()
    {
        var userId = NewUserId();
        var room = Room(Identifiers.DirectChatId(userId, AssistantId));
        await room.OpenDirect(userId, AssistantId);
        return new AssistantChat(userId, room, await SubscribedGateway(room));
    }

    /// <summary>A prompt no other test uses, and its script.</summary>
    protected (string Prompt, ReplyScript Script) NewPrompt(string text = "what is new")
    {
        var prompt = $"{text} {Guid.NewGuid():N}";
        return (prompt, Assistant.Replies.For(prompt));
    }

    /// <summary>The job once <paramref name="until"/> holds of it; the job moves on its own, between the test's calls.</summary>
    protected async Task<AssistantJob> JobWhen(string jobId, Func<AssistantJob, bool> until)
    {
        var limit = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var job = await Job(jobId).GetJob();
            if (job is not null && until(job))
            {
                return job;
            }

            if (DateTime.UtcNow > limit)
            {
                throw new TimeoutException($"Job {jobId} never got there; it is {job}.");
            }

            await Task.Delay(10, TestContext.Current.CancellationToken);
        }
    }

    protected Task<AssistantJob> JobIn(string jobId, AssistantJobStatus status) => JobWhen(jobId, j => j.Status == status);

    /// <summary>The assistant's messages of the chat, as its history holds them.</summary>
    protected static async Task<IReadOnlyList<ChatMessage>> Replies(AssistantChat chat) =>
        [.. (await AllMessages(chat.Room, chat.UserId)).Where(m => m.SenderId == AssistantId)];

    protected sealed record AssistantChat(string UserId, IChatRoomGrain Room, TestGateway Gateway);
}
