namespace OrleansChat.Grains;

/// <summary>A user's durable state: their chats, their devices and when they were last seen.</summary>
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
}
