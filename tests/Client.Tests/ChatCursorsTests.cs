using OrleansChat.Client;

namespace OrleansChat.ClientTests;

/// <summary>
/// Per-chat ordering on its own, where the frames can come in any order: the real server already sends each chat in
/// order, so repeats and gaps are made up here. (<c>OrleansChat.ChatMessage</c> is the grains' type of that name.)
/// </summary>
public sealed class ChatCursorsTests
{
    private readonly List<long> _delivered = [];
    private readonly ChatCursors _cursors;

    public ChatCursorsTests() => _cursors = new ChatCursors(m => _delivered.Add(m.Seq));

    [Fact]
    public void Repeats_are_dropped_and_messages_after_a_gap_wait_until_it_is_filled()
    {
        Offer(1);
        Offer(1);
        var gap = Offer(3);
        Offer(4);
        Assert.Equal([1L], _delivered);

        Offer(2);
        Offer(3);

        Assert.Equal(new SyncCursor("c1", 1), gap);
        Assert.Equal([1L, 2, 3, 4], _delivered);
        Assert.Equal(4, _cursors.LastSeq("c1"));
    }

    [Fact]
    public void A_gap_asks_for_one_sync_and_a_sync_that_makes_progress_is_followed_by_another()
    {
        _cursors.Track("c1", 10);
        Assert.Equal(new SyncCursor("c1", 10), Offer(13));
        Assert.Null(Offer(14));

        Offer(11);
        var next = _cursors.AfterSync([new SyncCursor("c1", 10)], [new SyncedChat("c1", 11, HasMore: false)]);
        Assert.Equal([new SyncCursor("c1", 11)], next);

        Offer(12);
        Assert.Empty(_cursors.AfterSync(next, [new SyncedChat("c1", 12, HasMore: false)]));
        Assert.Equal([11L, 12, 13, 14], _delivered);
    }

    private SyncCursor? Offer(long seq) =>
        _cursors.Offer(new OrleansChat.Client.ChatMessage("c1", seq, $"m{seq}", "alice", $"content {seq}", "2026-11-29T00:00:00.000Z", $"k{seq}", "text"));
}
