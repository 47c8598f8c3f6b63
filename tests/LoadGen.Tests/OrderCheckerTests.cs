using OrleansChat.LoadGen;

namespace OrleansChat.LoadGenTests;

public sealed class OrderCheckerTests
{
    [Fact]
    public void A_stream_in_seq_order_up_to_the_last_acked_seq_passes()
    {
        var checker = new OrderChecker();
        checker.Expect(0, "c1");
        foreach (var seq in new long[] { 1, 2, 3 })
        {
            checker.Observe(0, "c1", seq);
        }

        checker.Finish(new Dictionary<string, long> { ["c1"] = 3 });

        Assert.True(checker.Passed, string.Join("; ", checker.Violations));
    }

    [Fact]
    public void A_skipped_seq_that_never_arrives_is_a_gap()
    {
        var checker = new OrderChecker();
        checker.Observe(0, "c1", 1);
        checker.Observe(0, "c1", 3);

        checker.Finish(new Dictionary<string, long> { ["c1"] = 3 });

        Assert.Equal(1, checker.Gaps);
        Assert.False(checker.Passed);
        Assert.Contains(checker.Violations, v => v.StartsWith("gap", StringComparison.Ordinal));
    }

    [Fact]
    public void Messages_missing_at_the_end_of_a_stream_are_gaps()
    {
        var checker = new OrderChecker();
        checker.Expect(0, "c1");
        checker.Expect(1, "c1");
        checker.Observe(0, "c1", 1);
        checker.Observe(0, "c1", 2);
        checker.Observe(1, "c1", 1);

        checker.Finish(new Dictionary<string, long> { ["c1"] = 2 });

        Assert.Equal(1, checker.Gaps);
    }

    [Fact]
    public void A_connection_that_received_nothing_of_a_chat_has_every_message_as_a_gap()
    {
        var checker = new OrderChecker();
        checker.Expect(7, "c1");

        checker.Finish(new Dictionary<string, long> { ["c1"] = 4 });

        Assert.Equal(4, checker.Gaps);
    }

    [Fact]
    public void A_seq_received_twice_is_a_duplicate()
    {
        var checker = new OrderChecker();
        checker.Observe(0, "c1", 1);
        checker.Observe(0, "c1", 2);
        checker.Observe(0, "c1", 2);

        checker.Finish(new Dictionary<string, long> { ["c1"] = 2 });

        Assert.Equal(1, checker.Duplicates);
        Assert.Equal(0, checker.Gaps);
        Assert.False(checker.Passed);
    }

    [Fact]
    public void A_seq_received_after_a_higher_one_is_a_reordering()
    {
        var checker = new OrderChecker();
        checker.Observe(0, "c1", 1);
        checker.Observe(0, "c1", 3);
        checker.Observe(0, "c1", 2);

        checker.Finish(new Dictionary<string, long> { ["c1"] = 3 });

        Assert.Equal(1, checker.Reorderings);
        Assert.Equal(0, checker.Gaps);
        Assert.Equal(0, checker.Duplicates);
        Assert.False(checker.Passed);
    }

    [Fact]
    public void Chats_and_connections_are_checked_apart()
    {
        var checker = new OrderChecker();
        checker.Observe(0, "c1", 1);
        checker.Observe(0, "c2", 1);
        checker.Observe(1, "c1", 1);
        checker.Observe(0, "c1", 2);

        checker.Finish(new Dictionary<string, long> { ["c1"] = 1, ["c2"] = 1 });

        Assert.True(checker.Passed, string.Join("; ", checker.Violations));
    }
}
