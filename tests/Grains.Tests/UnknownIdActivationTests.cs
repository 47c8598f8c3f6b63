namespace OrleansChat.Grains.Tests;

/// <summary>Ids that name nothing stored wake grains; those grains leave once they are not needed.</summary>
[Collection(SharedChatCluster.Name)]
public sealed class UnknownIdActivationTests(ChatClusterFixture fixture) : ChatTestBase(fixture)
{
    [Fact]
    public async Task A_room_asked_about_a_chat_that_does_not_exist_leaves_after_answering()
    {
        var chatId = NewChatId();

        await Assert.ThrowsAsync<ChatException>(() => Room(chatId).GetChat(NewUserId()));

        Assert.Empty(await LiveAmongAsync(chatId));
    }

    [Fact]
    public async Task A_gateway_subscribing_to_a_chat_that_does_not_exist_does_not_keep_its_room()
    {
        var chatId = NewChatId();
        using var gateway = NewGateway();

        await Room(chatId).Subscribe(gateway.Reference);

        Assert.Empty(await LiveAmongAsync(chatId));
    }

    [Fact]
    public async Task A_group_is_created_on_an_id_whose_room_just_left()
    {
        var (chatId, ownerId) = (NewChatId(), NewUserId());
        await Assert.ThrowsAsync<ChatException>(() => Room(chatId).GetChat(ownerId));

        await Room(chatId).CreateGroup(ownerId, "after all", []);

        Assert.Equal(chatId, (await Room(chatId).GetChat(ownerId)).ChatId);
    }

    [Fact]
    public async Task A_watched_user_with_nothing_stored_leaves_when_the_watch_is_released()
    {
        var userId = NewUserId();
        using var gateway = NewGateway();
        await User(userId).WatchPresence(gateway.Reference, WatchLease);

        await User(userId).UnwatchPresence(gateway.Reference);

        Assert.Empty(await LiveAmongAsync(userId));
    }

    [Fact]
    public async Task A_watched_user_with_nothing_stored_leaves_when_the_watch_lease_runs_out()
    {
        var userId = NewUserId();
        using var gateway = NewGateway();

        await User(userId).WatchPresence(gateway.Reference, TimeSpan.FromSeconds(1));

        Assert.Empty(await LiveAmongAsync(userId));
    }

    /// <summary>
    /// <paramref name="key"/> if a grain with that key is active, once grains that are leaving have left. A grain
    /// leaves after its last call or timer tick and nothing outside the silo hears of it, so this asks the cluster
    /// until there is none (15 s at most: a watch lease of 1 s is checked every second).
    /// </summary>
    private async Task<List<string>> LiveAmongAsync(string key)
    {
        var management = Client.GetGrain<IManagementGrain>(0);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (true)
        {
            var live = (await management.GetDetailedGrainStatistics())
                .Select(s => s.GrainId.Key.ToString()!)
                .Where(k => k == key)
                .ToList();
            if (live.Count == 0 || DateTime.UtcNow > deadline)
            {
                return live;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50), TestContext.Current.CancellationToken);
        }
    }
}
