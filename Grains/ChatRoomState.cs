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
    /// delivering to them without waiting for their next renewal.
    /// </summary>
    [Id(5)]
    public List<string> Gateways { get; set; } = [];
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
}
