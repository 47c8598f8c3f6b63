using OrleansChat.LoadGen.Assistant;

namespace OrleansChat.LoadGenTests;

public sealed class ChunkOrderCheckerTests
{
    [Fact]
    public void Chunks_in_index_order_on_every_connection_followed_by_their_reply_pass()
    {
        var checker = new ChunkOrderChecker();
        foreach (var connection in new[] { 0, 1 })
        {
            checker.Expect(connection, "c1");
            Deliver(checker, connection, attempt: 1, 0, 1, 2);
            checker.Reply(connection, "c1", "j1", "d0d1d2");
        }

        checker.Finish();

        Assert.True(checker.Passed, string.Join("; ", checker.Violations));
        Assert.Equal(6, checker.Chunks);
        Assert.Equal("j1", checker.JobIds()["c1"]);
    }

    [Fact]
    public void A_chunk_that_arrives_before_a_lower_index_is_a_reordering()
    {
        var checker = new ChunkOrderChecker();
        Deliver(checker, 0, attempt: 1, 0, 2, 1);
        checker.Reply(0, "c1", "j1", "d0d1d2");

        checker.Finish();

        Assert.Equal(1, checker.Reorderings);
        Assert.Equal(0, checker.Gaps);
        Assert.Equal(0, checker.Mismatches);
        Assert.False(checker.Passed);
    }

    [Fact]
    public void A_chunk_index_that_never_arrives_is_a_gap()
    {
        var checker = new ChunkOrderChecker();
        Deliver(checker, 0, attempt: 1, 0, 2, 4);
        checker.Reply(0, "c1", "j1", "d0d1d2d3d4");

        checker.Finish();

        Assert.Equal(2, checker.Gaps);
        Assert.False(checker.Passed);
        Assert.Contains(checker.Violations, v => v.StartsWith("2 chunks of job j1 in c1 never arrived", StringComparison.Ordinal));
    }

    [Fact]
    public void A_chunk_delivered_twice_is_a_duplicate()
    {
        var checker = new ChunkOrderChecker();
        Deliver(checker, 0, attempt: 1, 0, 1, 1, 2);
        checker.Reply(0, "c1", "j1", "d0d1d2");

        checker.Finish();

        Assert.Equal(1, checker.Duplicates);
        Assert.Equal(0, checker.Mismatches);
        Assert.False(checker.Passed);
    }

    [Fact]
    public void A_connection_that_never_receives_the_reply_fails_the_run()
    {
        var checker = new ChunkOrderChecker();
        checker.Expect(1, "c1");
        Deliver(checker, 0, attempt: 1, 0, 1);
        checker.Reply(0, "c1", "j1", "d0d1");

        Assert.False(checker.HasAllReplies());
        checker.Finish();

        Assert.Equal(1, checker.MissingReplies);
        Assert.False(checker.Passed);
    }

    [Fact]
    public void A_reply_without_its_job_id_fails_the_run()
    {
        var checker = new ChunkOrderChecker();
        Deliver(checker, 0, attempt: 1, 0, 1);
        checker.Reply(0, "c1", "", "d0d1");

        checker.Finish();

        Assert.True(checker.HasAllReplies());
        Assert.Equal(1, checker.Mismatches);
        Assert.False(checker.Passed);
        Assert.Contains("the reply in c1 carries no jobId on connection 0 (PROTOCOL.md 9)", checker.Violations);
    }

    [Fact]
    public void A_reply_longer_than_its_chunks_joined_shows_that_the_last_chunks_were_lost()
    {
        var checker = new ChunkOrderChecker();
        Deliver(checker, 0, attempt: 1, 0, 1);
        checker.Reply(0, "c1", "j1", "d0d1d2");

        checker.Finish();

        Assert.Equal(1, checker.Mismatches);
        Assert.Equal(0, checker.Gaps);
        Assert.False(checker.Passed);
    }

    [Fact]
    public void A_higher_attempt_starts_the_reply_again_and_late_chunks_of_the_lower_one_are_ignored()
    {
        var checker = new ChunkOrderChecker();
        Deliver(checker, 0, attempt: 1, 0, 1);
        Deliver(checker, 0, attempt: 2, 0);
        Deliver(checker, 0, attempt: 1, 2);
        Deliver(checker, 0, attempt: 2, 1);
        checker.Reply(0, "c1", "j1", "d0d1");

        checker.Finish();

        Assert.True(checker.Passed, string.Join("; ", checker.Violations));
        Assert.Equal(1, checker.Restarts);
        Assert.Equal(1, checker.Stale);
    }

    private static void Deliver(ChunkOrderChecker checker, int connection, long attempt, params long[] indexes)
    {
        foreach (var index in indexes)
        {
            checker.Chunk(connection, "c1", "j1", attempt, index, $"d{index}");
        }
    }
}
