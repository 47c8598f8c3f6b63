namespace OrleansChat.Grains;

/// <summary>A room's durable state: membership and the gateways subscribed to it. Messages live in the message store.</summary>
[GenerateSerializer]
[Alias("chat.ChatRoomState")]
public sealed class ChatRoomState
{
    [Id(0)]
    public bool Exists { get; set; }

    [Id(1)]
    public ChatType Type { get; set; }

    [Id(2)]
    public string? Title { get; set; }

    [Id(3)]
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>In joining order: the first is the longest-standing member.</summary>
    [Id(4)]
    public List<MemberState> Members { get; set; } = [];

    /// <summary>
    /// The grain ids of gateway observers holding a lease, so that a room reactivated elsewhere keeps
    /// delivering to them without waiting for their next renewal. Each new subscription costs a state write.
    /// </summary>
    [Id(5)]
    public List<string> Gateways { get; set; } = [];

    public MemberState? Member(string userId) => Members.Find(m => m.UserId == userId);

    /// <summary>Makes this the state of a new chat, whose members all join <paramref name="now"/>.</summary>
    public void Create(ChatType type, string? title, DateTimeOffset now, IEnumerable<(string UserId, ChatRole Role)> members)
    {
        Exists = true;
        Type = type;
        Title = title;
        CreatedAt = now;
        Members = [.. members.Select(m => new MemberState { UserId = m.UserId, Role = m.Role, JoinedAt = now })];
    }

    /// <summary>Removes a member; when that was the owner, the longest-standing member left becomes the owner.</summary>
    public void Remove(MemberState member)
    {
        Members.Remove(member);
        if (member.Role == ChatRole.Owner && Members.Count > 0)
        {
            Members[0].Role = ChatRole.Owner;
        }
    }

    /// <summary>The chat as members see it.</summary>
    public ChatInfo Info(string chatId, long lastSeq) => new(
        chatId,
        Type,
        Title,
        Members.Find(m => m.Role == ChatRole.Owner)?.UserId,
        [.. Members.Select(m => new ChatMember(m.UserId, m.Role, m.JoinedAt))],
        CreatedAt,
        lastSeq);
}

[GenerateSerializer]
[Alias("chat.MemberState")]
public sealed class MemberState
{
    [Id(0)]
    public string UserId { get; set; } = "";

    [Id(1)]
    public ChatRole Role { get; set; }

    [Id(2)]
    public DateTimeOffset JoinedAt { get; set; }

    [Id(3)]
    public long ReadSeq { get; set; }

    /// <summary>
    /// As reported; rooms stored before it existed load 0 here, so <see cref="Receipt"/> and <see cref="Raise"/> take it
    /// as at least <see cref="ReadSeq"/> (reading implies delivery) rather than trusting it alone.
    /// </summary>
    [Id(4)]
    public long DeliveredSeq { get; set; }

    public MemberReceipt Receipt() => new(UserId, ReadSeq, Math.Max(DeliveredSeq, ReadSeq));

    /// <summary>Raises the read seq (and the delivered seq with it) or only the delivered seq; false when it rose not at all.</summary>
    public bool Raise(long seq, bool read)
    {
        var delivered = Math.Max(DeliveredSeq, ReadSeq);
        if (read ? seq <= ReadSeq : seq <= delivered)
        {
            return false;
        }

        if (read)
        {
            ReadSeq = seq;
        }

        DeliveredSeq = Math.Max(delivered, seq);
        return true;
    }
}
