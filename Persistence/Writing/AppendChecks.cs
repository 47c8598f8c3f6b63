using System.Buffers;

namespace OrleansChat.Persistence.Writing;

/// <summary>
/// The shape every append must have before it is queued: the caller's mistakes fail its call alone, with
/// <see cref="ArgumentException"/>, and never reach a merged transaction. Permissions and targets are the room's.
/// </summary>
internal static class AppendChecks
{
    // Member ids never hold whitespace (a mention ends at whitespace), so a store may separate them by it.
    private static readonly SearchValues<char> Whitespace = SearchValues.Create(" \t\r\n\f\v\u00a0\u2028\u2029");

    public static void Check(ChatAppend append)
    {
        ArgumentNullException.ThrowIfNull(append);
        ArgumentException.ThrowIfNullOrEmpty(append.ChatId, nameof(append));
        ArgumentOutOfRangeException.ThrowIfNegative(append.LastSeq, nameof(append));
        ArgumentNullException.ThrowIfNull(append.Messages, nameof(append));
        foreach (var message in append.Messages)
        {
            ArgumentNullException.ThrowIfNull(message, nameof(append));
            ArgumentNullException.ThrowIfNull(message.SenderId, nameof(append));
            ArgumentNullException.ThrowIfNull(message.ClientMsgId, nameof(append));
            ArgumentNullException.ThrowIfNull(message.Content, nameof(append));
            ArgumentNullException.ThrowIfNull(message.PushTargets, nameof(append));
            ArgumentNullException.ThrowIfNull(message.Mentions, nameof(append));
            if (!Enum.IsDefined(message.Kind) || (message.Kind == MessageKind.Text) == (message.Target is not null))
            {
                throw new ArgumentException("A change needs the seq of its target, and a text has none.", nameof(append));
            }

            if (message.CheckedTarget is { } checkedTarget && checkedTarget.Seq != message.Target)
            {
                throw new ArgumentException("A checked target must be the change's target.", nameof(append));
            }

            ArgumentNullException.ThrowIfNull(message.Attachments, nameof(append));
            if (message.Kind != MessageKind.Text && message.Attachments.Count > 0)
            {
                throw new ArgumentException("Only a text carries attachments.", nameof(append));
            }

            if (message.Kind == MessageKind.Delete && message.Content.Length > 0)
            {
                throw new ArgumentException("A delete has no content.", nameof(append));
            }

            for (var i = 0; i < message.Mentions.Count; i++)
            {
                if (string.IsNullOrEmpty(message.Mentions[i]) || message.Mentions[i].AsSpan().ContainsAny(Whitespace))
                {
                    throw new ArgumentException("A mention must be a member id: not empty, no whitespace.", nameof(append));
                }
            }
        }
    }
}
