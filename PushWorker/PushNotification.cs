using System.Globalization;
using OrleansChat.Persistence;

namespace OrleansChat.PushWorker;

/// <summary>What one notification says, for one device: the fields of PROTOCOL.md 5.</summary>
public sealed record PushNotification(
    string RecipientId,
    string ChatId,
    long Seq,
    Guid MessageId,
    string SenderId,
    string Preview)
{
    public static PushNotification From(PushOutboxEntry row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return new(row.RecipientId, row.ChatId, row.Seq, row.MessageId, row.SenderId, row.Preview);
    }

    /// <summary>The notification's title: who sent the message.</summary>
    public string Title => SenderId;

    /// <summary>The string-valued data every provider carries: <c>chatId</c>, <c>seq</c>, <c>messageId</c>, <c>senderId</c>.</summary>
    public IReadOnlyDictionary<string, string> Data => new Dictionary<string, string>
    {
        ["chatId"] = ChatId,
        ["seq"] = Seq.ToString(CultureInfo.InvariantCulture),
        ["messageId"] = MessageId.ToString(),
        ["senderId"] = SenderId,
    };
}
