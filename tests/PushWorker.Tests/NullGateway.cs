namespace OrleansChat.PushWorker.Tests;

/// <summary>A gateway that holds sessions and ignores what it is told: it makes its users online.</summary>
public sealed class NullGateway : IChatGatewayObserver
{
    public Task OnChatEvents(string chatId, IReadOnlyList<ChatEvent> events) => Task.CompletedTask;

    public Task OnMembershipChanged(string userId, MembershipChanged change) => Task.CompletedTask;

    public Task OnPresenceChanged(Presence presence) => Task.CompletedTask;
}
