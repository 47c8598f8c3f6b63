namespace OrleansChat.Persistence.Tests;

/// <summary>
/// The last word of a search as a prefix (PROTOCOL.md 8), whatever its length and however many words it starts: the
/// stores answer short and long prefixes in different ways for speed, and must find the same texts either way.
/// </summary>
public abstract partial class MessageStoreConformanceTests
{
    [Fact]
    public async Task Search_finds_the_last_word_as_a_prefix_of_one_two_three_and_four_letters()
    {
        var chat = NewChatId();
        await Append(
            chat,
            0,
            Message("c1", content: "Apple pie"),
            Message("c2", content: "apricot jam"),
            Message("c3", content: "a pear"),
            Message("c4", content: "grape, maple"),
            Message("c5", content: "APPLET runs"));

        Assert.Equal([1L, 2L, 3L, 5L], await Seqs([chat], "a"));
        Assert.Equal([1L, 2L, 5L], await Seqs([chat], "ap"));
        Assert.Equal([1L, 5L], await Seqs([chat], "APP"));
        Assert.Equal([1L, 5L], await Seqs([chat], "appl"));
        Assert.Equal([5L], await Seqs([chat], "applet"));
        Assert.Equal([1L], await Seqs([chat], "pie p"));
        Assert.Equal([3L], await Seqs([chat], "pear a"));
        Assert.Equal([4L], await Seqs([chat], "maple gra"));
    }

    [Fact]
    public async Task Search_finds_a_prefix_of_letters_beyond_ascii_whether_it_is_short_or_long()
    {
        var chat = NewChatId();
        await Append(chat, 0, Message("c1", content: "Öl und Ölbild"), Message("c2", content: "Grüßen, Grünspan"), Message("c3", content: "olive grün"));

        Assert.Equal([1L], await Seqs([chat], "ö"));
        Assert.Equal([2L, 3L], await Seqs([chat], "grü"));
        Assert.Equal([2L], await Seqs([chat], "GRÜẞ"));
        Assert.Equal([2L], await Seqs([chat], "grüns"));
    }

    [Fact]
    public async Task Search_finds_every_text_of_a_prefix_that_starts_more_words_than_a_store_expands_it_into()
    {
        var chat = NewChatId();
        var words = Enumerable.Range(0, 90).Select(i => $"zebra{i:D2}x").ToArray();
        await Append(chat, 0, [.. words.Select((word, i) => Message($"c{i}", content: $"look {word}"))]);

        Assert.Equal(Enumerable.Range(1, 90).Select(i => (long)i), await Seqs([chat], "look zebr"));
        Assert.Equal([11L, 12L, 13L, 14L, 15L, 16L, 17L, 18L, 19L, 20L], await Seqs([chat], "zebra1"));
    }

    [Fact]
    public async Task Search_for_a_prefix_that_starts_no_word_or_only_words_of_other_chats_finds_nothing()
    {
        var (mine, other) = (NewChatId(), NewChatId());
        await Append(mine, 0, Message("c1", content: "launch plan"));
        await Append(other, 0, Message("c1", content: "quixotic launcher"));

        Assert.Empty(await Seqs([mine], "quixo"));
        Assert.Empty(await Seqs([mine], "qu"));
        Assert.Empty(await Seqs([mine], "xylophon"));
        Assert.Equal([1L], await Seqs([mine], "launc"));
    }

    [Fact]
    public async Task Search_finds_by_a_prefix_a_word_that_only_an_edit_brought_and_not_the_word_the_edit_removed()
    {
        var chat = NewChatId();
        await Append(chat, 0, Message("c1", content: "meet at the harbour"));
        await Append(chat, 1, Change("c2", MessageKind.Edit, target: 1, content: "meet at the quayside", sentAt: T0.AddMinutes(1)));

        Assert.Equal([1L], await Seqs([chat], "quaysi"));
        Assert.Equal([1L], await Seqs([chat], "q"));
        Assert.Empty(await Seqs([chat], "harbo"));
        Assert.Empty(await Seqs([chat], "h"));
    }
}
