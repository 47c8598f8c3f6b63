using OrleansChat.LoadGen;
using OrleansChat.LoadGen.Mix;

namespace OrleansChat.LoadGenTests;

/// <summary>The direct scenario's <c>--mix</c>: how it is read, which kinds a sender sends, and what they change.</summary>
public sealed class TrafficMixTests
{
    [Fact]
    public void A_mix_reads_each_kind_and_a_kind_left_out_weighs_nothing()
    {
        Assert.Equal(new TrafficMix(80, 10, 10), TrafficMix.Parse("text=80,edit=10,reaction=10"));
        Assert.Equal(new TrafficMix(90, 0, 10), TrafficMix.Parse("reaction=10, text=90"));
        Assert.Equal("text=80,edit=10,reaction=10", TrafficMix.Parse("text=80,edit=10,reaction=10").ToString());
    }

    [Theory]
    [InlineData("text=80,edit=10,edit=5")]
    [InlineData("text=80,delete=20")]
    [InlineData("text=-1,edit=1")]
    [InlineData("text=1.5")]
    [InlineData("text")]
    [InlineData("edit=50,reaction=50")]
    public void A_mix_with_an_unknown_kind_a_repeated_kind_a_bad_weight_or_no_texts_is_refused(string spec)
    {
        Assert.Throws<ArgumentException>(() => TrafficMix.Parse(spec));
    }

    [Fact]
    public void Without_a_mix_option_every_send_is_a_text()
    {
        var options = LoadOptions.Parse(["--scenario", "direct"]);

        Assert.Equal(TrafficMix.AllText, options.Mix);
        Assert.True(options.Mix.IsPlain);
        var chooser = options.Mix.NewChooser();
        Assert.All(Enumerable.Range(0, 300), _ => Assert.Equal(TrafficKind.Text, chooser.Next()));
    }

    [Theory]
    [InlineData("fanout", "orleanschat")]
    [InlineData("direct", "signalr")]
    [InlineData("direct", "websocket")]
    public void A_mix_is_refused_outside_direct_runs_against_orleanschat(string scenario, string target)
    {
        Assert.Throws<ArgumentException>(() => LoadOptions.Parse(["--scenario", scenario, "--target", target, "--mix", "text=80,edit=10,reaction=10"]));
    }

    [Fact]
    public void Every_hundred_sends_of_an_80_10_10_mix_hold_exactly_80_texts_10_edits_and_10_reactions_never_two_changes_in_a_row()
    {
        var chooser = LoadOptions.Parse(["--scenario", "direct", "--mix", "text=80,edit=10,reaction=10"]).Mix.NewChooser();

        var kinds = Enumerable.Range(0, 300).Select(_ => chooser.Next()).ToList();

        foreach (var hundred in kinds.Chunk(100))
        {
            Assert.Equal(
                [(TrafficKind.Text, 80), (TrafficKind.Edit, 10), (TrafficKind.Reaction, 10)],
                hundred.GroupBy(k => k).OrderBy(g => g.Key).Select(g => (g.Key, g.Count())));
        }

        Assert.DoesNotContain(kinds.Zip(kinds.Skip(1)), pair => pair.First != TrafficKind.Text && pair.Second != TrafficKind.Text);
    }

    [Fact]
    public void Edits_target_the_senders_acked_texts_and_reactions_the_peers_texts_and_without_one_a_text_is_sent()
    {
        var targets = new ChangeTargets("alice", seed: 1);
        Assert.Equal((TrafficKind.Text, 0L), targets.Pick(TrafficKind.Edit));
        Assert.Equal((TrafficKind.Text, 0L), targets.Pick(TrafficKind.Reaction));

        targets.OwnTextAcked(3);
        targets.Received(3, "text", "alice");
        targets.Received(4, "edit", "bob");
        targets.Received(5, "reaction", "bob");
        Assert.Equal((TrafficKind.Edit, 3L), targets.Pick(TrafficKind.Edit));
        Assert.Equal((TrafficKind.Text, 0L), targets.Pick(TrafficKind.Reaction));

        targets.Received(6, "text", "bob");
        Assert.Equal((TrafficKind.Reaction, 6L), targets.Pick(TrafficKind.Reaction));
        Assert.Equal((TrafficKind.Text, 0L), targets.Pick(TrafficKind.Text));
    }

    [Fact]
    public void The_mix_comparison_pairs_each_mixed_run_with_the_plain_run_beside_it_and_gives_the_median_ratios()
    {
        var start = new DateTimeOffset(2026, 11, 29, 22, 0, 0, TimeSpan.Zero);
        ScenarioResult Run(int minute, string? mix, double throughput, double p99) => new()
        {
            Scenario = "direct",
            Target = "orleanschat",
            Shape = "100 pairs",
            ThroughputUnit = "acked sends/s",
            Mix = mix,
            StartedAt = start.AddMinutes(minute),
            Throughput = throughput,
            AckLatency = new LatencySummary(1, 1, p99, p99, p99),
        };
        const string Mix = "text=80,edit=10,reaction=10";

        var table = MixComparison.Table(
            [Run(5, Mix, 1800, 30), Run(0, null, 2000, 20), Run(1, Mix, 1900, 25), Run(4, null, 2000, 30), Run(2, null, 2000, 20), Run(3, Mix, 2000, 20)]);

        Assert.Contains("| 1 | 2000 | 1.00 / 20.00 | 1900 | 1.00 / 25.00 | x0.950 | x1.25 | - / - / - |", table, StringComparison.Ordinal);
        Assert.Contains("| 3 | 2000 | 1.00 / 30.00 | 1800 | 1.00 / 30.00 | x0.900 | x1.00 | - / - / - |", table, StringComparison.Ordinal);
        Assert.Contains("median: throughput mixed/plain x0.950, p99 mixed/plain x1.00 (3 pairs)", table, StringComparison.Ordinal);
    }
}
