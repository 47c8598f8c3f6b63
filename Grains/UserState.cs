namespace OrleansChat.Grains;

/// <summary>A user's durable state: their chats, their devices, when they were last seen, their mutes and blocks.</summary>
[GenerateSerializer]
[Alias("chat.UserState")]
public sealed class UserState
{
    [Id(0)]
    public List<UserChat> Chats { get; set; } = [];

    [Id(1)]
    public List<Device> Devices { get; set; } = [];

    [Id(2)]
    public DateTimeOffset? LastSeen { get; set; }

    /// <summary>The settings of the chats this user muted, by chat id; a mute that ended stays until the next change.</summary>
    [Id(3)]
    public Dictionary<string, ChatSettings> MutedChats { get; set; } = [];

    /// <summary>The users this user blocked, in the order they were blocked.</summary>
    [Id(4)]
    public List<string> Blocked { get; set; } = [];
}
