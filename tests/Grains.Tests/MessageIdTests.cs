namespace OrleansChat.Grains.Tests;

/// <summary>
/// The ids of one chat sort (as the lowercase strings clients see) in the order they are issued, which is seq order
/// (PROTOCOL.md 1, DESIGN.md 4): within one millisecond, across milliseconds, and when the clock runs behind.
/// </summary>
public sealed class MessageIdTests
{
    private static readonly DateTimeOffset Noon = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Ids_of_a_large_batch_in_one_millisecond_sort_in_issue_order()
    {
        var ids = new MessageIds().NewBatch(Noon, 10_000);

        AssertRisingAsStrings(ids);
    }

    [Fact]
    public void Ids_of_many_small_batches_in_one_millisecond_sort_in_issue_order()
    {
        var generator = new MessageIds();

        var ids = Enumerable.Range(0, 2_000).SelectMany(_ => generator.NewBatch(Noon, 3)).ToArray();

        AssertRisingAsStrings(ids);
    }

    [Fact]
    public void Ids_are_version_7_with_the_rfc_variant_and_carry_the_millisecond()
    {
        var id = new MessageIds().NewBatch(Noon, 1)[0];

        Assert.Equal(7, id.Version);
        Assert.Equal(0b10, id.Variant >> 2);
        Assert.Equal(Noon.ToUnixTimeMilliseconds().ToString("x12", System.Globalization.CultureInfo.InvariantCulture), id.ToString("N")[..12]);
    }

    [Fact]
    public void Ids_issued_while_the_clock_runs_an_hour_behind_sort_after_the_last_stored_id()
    {
        var before = new MessageIds().NewBatch(Noon, 50);
        var restarted = new MessageIds();
        restarted.Follow(before[^1]);

        var after = Enumerable.Range(0, 100).SelectMany(i => restarted.NewBatch(Noon.AddHours(-1).AddMilliseconds(i), 5)).ToArray();

        AssertRisingAsStrings([.. before, .. after]);
    }

    [Fact]
    public void Following_an_older_id_does_not_move_the_ids_back()
    {
        var generator = new MessageIds();
        var first = generator.NewBatch(Noon, 1)[0];
        generator.Follow(new MessageIds().NewBatch(Noon.AddMinutes(-5), 1)[0]);

        var next = generator.NewBatch(Noon.AddMinutes(-1), 1)[0];

        AssertRisingAsStrings([first, next]);
    }

    [Fact]
    public void When_the_random_bits_are_exhausted_the_timestamp_moves_on_and_ids_keep_rising()
    {
        // The largest id a millisecond can hold: every random bit set.
        var full = Guid.Parse(Noon.ToUnixTimeMilliseconds().ToString("x12", System.Globalization.CultureInfo.InvariantCulture) + "7fffbfffffffffffffff");
        var generator = new MessageIds();
        generator.Follow(full);

        var next = generator.NewBatch(Noon, 3);

        AssertRisingAsStrings([full, .. next]);
        Assert.Equal((Noon.ToUnixTimeMilliseconds() + 1).ToString("x12", System.Globalization.CultureInfo.InvariantCulture), next[0].ToString("N")[..12]);
    }

    private static void AssertRisingAsStrings(Guid[] ids)
    {
        var strings = ids.Select(id => id.ToString()).ToArray();
        for (var i = 1; i < strings.Length; i++)
        {
            Assert.True(
                string.CompareOrdinal(strings[i - 1], strings[i]) < 0,
                $"id {i} ({strings[i]}) does not sort after id {i - 1} ({strings[i - 1]})");
        }
    }
}
