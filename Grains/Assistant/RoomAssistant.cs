using Microsoft.Extensions.Logging;
using OrleansChat.Persistence;

namespace OrleansChat.Grains.Assistant;

/// <summary>
/// A room's side of the assistant (PROTOCOL.md 9): which sends it refuses for the assistant's sake, which stored texts
/// ask the assistant, and starting their jobs once they are committed and before they are acked. The job ids come from
/// the message ids, so a repeated send answers the job of the first.
/// </summary>
/// <param name="assistantId">The assistant's user id (<c>Assistant:UserId</c>).</param>
/// <param name="assistantIsMember">Whether the assistant is a member of the chat now.</param>
/// <param name="isDirect">Whether the chat is a direct chat.</param>
/// <param name="grains">Where the job grains are.</param>
/// <param name="logger">The room's logger.</param>
internal sealed partial class RoomAssistant(
    string assistantId, Func<bool> assistantIsMember, Func<bool> isDirect, IGrainFactory grains, ILogger logger)
{
    private static readonly RuleViolation JobIdFromSomeoneElse = new(ChatErrorCode.BadRequest, "Only the assistant's replies carry a jobId.");

    private static readonly RuleViolation NoAssistantHere = new(ChatErrorCode.BadRequest, "The assistant is not a member of this chat.");

    /// <summary>Why the room refuses a send for the assistant's sake; null when it does not.</summary>
    public RuleViolation? Refusal(SendCommand command) =>
        command.JobId is not null && command.SenderId != assistantId ? JobIdFromSomeoneElse
        : command.AskAssistant && !assistantIsMember() ? NoAssistantHere
        : null;

    /// <summary>
    /// Whether a stored message asks the assistant: a text of someone else in a chat the assistant is in, that is a
    /// direct chat, mentions the assistant, or was sent to ask it. The membership test comes last: a group's plain
    /// texts, most of its messages, never pay for it.
    /// </summary>
    public bool Asks(SendCommand command, StoredMessage message) =>
        message.Kind == MessageKind.Text
        && message.SenderId != assistantId
        && (isDirect() || command.AskAssistant || message.Mentions.Contains(assistantId))
        && assistantIsMember();

    /// <summary>
    /// Starts the jobs of <paramref name="asking"/> (indexes into the batch) in parallel and puts their ids on the
    /// results. A repeat starts nothing new (a job answers its first start), but starting it again heals a room that
    /// stopped between storing a message and starting its job.
    /// </summary>
    public async Task StartJobs(string chatId, List<int> asking, IReadOnlyList<AppendOutcome> outcomes, SendResult[] results)
    {
        var starts = new Task[asking.Count];
        for (var i = 0; i < starts.Length; i++)
        {
            var index = asking[i];
            var message = outcomes[index].Message;
            var jobId = AssistantJobIds.For(message.MessageId);
            results[index] = results[index] with { JobId = jobId };
            starts[i] = Start(jobId, new AssistantJobStart(chatId, message.Seq, message.MessageId, message.SenderId, message.Content, message.SentAt));
        }

        await Task.WhenAll(starts);
    }

    private async Task Start(string jobId, AssistantJobStart start)
    {
        try
        {
            await grains.GetGrain<IAssistantJobGrain>(jobId).Start(start);
        }
        catch (Exception ex)
        {
            // The message is stored and its ack must say so; a send of the same client message id starts the job again.
            LogStartFailed(logger, ex, jobId, start.ChatId);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Starting assistant job {JobId} in chat {ChatId} failed")]
    private static partial void LogStartFailed(ILogger logger, Exception exception, string jobId, string chatId);
}
