namespace OrleansChat.Persistence.Tests;

/// <summary>Search (PROTOCOL.md 8): whole words, the last one also as a prefix, in the given chats, newest first.</summary>
public abstract partial class MessageStoreConformanceTests
{
    protected IMessageSearch Search => (IMessageSearch)Store;

    [Fact]
    public async Task Search_finds_whole_words_whatever_their_case_and_the_last_word_also_as_the_start_of_a_word()
    {
        var chat = NewChatId();
        await Append(
            chat,
            0,
            Message("c1", content: "Hello, there!"),
            Message("c2", content: "hellothere"),
            Message("c3", content: "othello there"),
            Message("c4", content: "HELLO THEREFORE"),
            Message("c5", content: "there hello"));

        Assert.Equal([1L, 4L, 5L], await Seqs([chat], "hello THERE"));
        Assert.Equal([1L, 4L, 5L], await Seqs([chat], "hello ther"));
        Assert.Equal([2L], await Seqs([chat], "hellot"));
        Assert.Empty(await Seqs([chat], "hell there"));
    }

    [Fact]
    public async Task Search_requires_every_word_of_the_query()
    {
        var chat = NewChatId();
        await Append(chat, 0, Message("c1", content: "red green blue"), Message("c2", content: "red blue"), Message("c3", content: "green"));

        Assert.Equal([1L], await Seqs([chat], "blue green red"));
        Assert.Equal([1L, 2L], await Seqs([chat], "red blue"));
    }

    [Fact]
    public async Task Search_folds_the_case_of_letters_beyond_ascii_and_counts_digits_as_letters_of_a_word()
    {
        var chat = NewChatId();
        await Append(chat, 0, Message("c1", content: "Grüße aus KÖLN, Zimmer 42b"), Message("c2", content: "koln 42"));

        Assert.Equal([1L], await Seqs([chat], "köln grü"));
        Assert.Equal([1L], await Seqs([chat], "GRÜSSE".Replace("SS", "ß", StringComparison.Ordinal) + " 42b"));
        Assert.Equal([1L, 2L], await Seqs([chat], "42"));
    }

    [Theory]
    [InlineData("\"a\" OR 1=1", new long[] { 1 })]
    [InlineData("NEAR(", new long[] { 3 })]
    [InlineData("-x", new long[] { 2, 4 })]
    [InlineData("col:x", new long[] { 2 })]
    [InlineData("a* OR", new long[] { 1 })]
    [InlineData("x' & !y | z:*", new long[] { })]
    [InlineData("*", new long[] { })]
    [InlineData("\"", new long[] { })]
    [InlineData("' \\ ( ) : ^ ~ \" & | !", new long[] { })]
    public async Task Search_treats_operators_of_every_query_language_as_separators_between_plain_words(string query, long[] expected)
    {
        var chat = NewChatId();
        await Append(chat, 0, Message("c1", content: "a or 1 = 1"), Message("c2", content: "col x"), Message("c3", content: "nearby"), Message("c4", content: "xyz"));

        Assert.Equal(expected, await Seqs([chat], query));
    }

    [Fact]
    public async Task Search_looks_only_in_the_given_chats()
    {
        var mine = NewChatId();
        var other = NewChatId();
        var third = NewChatId();
        await Append(mine, 0, Message("c1", content: "launch plan"));
        await Append(other, 0, Message("c1", content: "launch plan"));
        await Append(third, 0, Message("c1", content: "launch plan"));

        var page = await Search.SearchAsync(new SearchQuery([mine, third], "launch", 10), Ct);

        Assert.Equal(new[] { mine, third }.Order(StringComparer.Ordinal), page.Results.Select(r => r.ChatId).Order(StringComparer.Ordinal));
        Assert.Empty((await Search.SearchAsync(new SearchQuery([], "launch", 10), Ct)).Results);
    }

    [Fact]
    public async Task Search_of_a_hundred_chats_finds_the_texts_of_those_chats_only()
    {
        var chats = Enumerable.Range(0, 101).Select(_ => NewChatId()).ToList();
        foreach (var chat in chats)
        {
            await Append(chat, 0, Message("c1", content: $"census {chat}"));
        }

        var page = await Search.SearchAsync(new SearchQuery(chats[1..], "census", 100), Ct);

        Assert.Equal(chats[1..].Order(StringComparer.Ordinal), page.Results.Select(r => r.ChatId).Order(StringComparer.Ordinal));
        Assert.Null(page.Next);
    }

    [Fact]
    public async Task Search_returns_texts_newest_first_by_sent_time_whatever_order_they_were_stored_in()
    {
        var (a, b, c) = (NewChatId(), NewChatId(), NewChatId());
        await Append(a, 0, Message("c1", content: "report one", sentAt: T0.AddMinutes(5)));
        await Append(b, 0, Message("c1", content: "report two", sentAt: T0.AddMinutes(1)));
        await Append(c, 0, Message("c1", content: "report three", sentAt: T0.AddMinutes(3)));
        await Append(b, 1, Message("c2", content: "report four", sentAt: T0.AddMinutes(4)));

        var page = await Search.SearchAsync(new SearchQuery([a, b, c], "report", 10), Ct);

        Assert.Equal(["report one", "report four", "report three", "report two"], page.Results.Select(r => r.Content));
        Assert.Null(page.Next);
        var first = page.Results[0];
        Assert.Equal((a, 1L, "alice", T0.AddMinutes(5), MessageKind.Text), (first.ChatId, first.Seq, first.SenderId, first.SentAt, first.Kind));
    }

    [Fact]
    public async Task Search_pages_with_its_cursor_through_texts_of_the_same_sent_time_without_repeating_or_skipping_one()
    {
        var (a, b) = (NewChatId(), NewChatId());
        await Append(a, 0, Message("c1", content: "tick 1"), Message("c2", content: "tick 2"), Message("c3", content: "tick 3"));
        await Append(b, 0, Message("c1", content: "tick 4"), Message("c2", content: "tick 5"));
        await Append(a, 3, Message("c4", content: "tick 6", sentAt: T0.AddSeconds(-1)));

        var pages = new List<SearchPage>();
        string? cursor = null;
        do
        {
            var page = await Search.SearchAsync(new SearchQuery([a, b], "tick", 2, cursor), Ct);
            pages.Add(page);
            cursor = page.Next;
        }
        while (cursor is not null && pages.Count < 10);

        Assert.Equal([2, 2, 2], pages.Select(p => p.Results.Count));
        var contents = pages.SelectMany(p => p.Results).Select(r => r.Content).ToList();
        Assert.Equal(["tick 1", "tick 2", "tick 3", "tick 4", "tick 5"], contents.Take(5).Order(StringComparer.Ordinal));
        Assert.Equal("tick 6", contents[5]);
        Assert.Null(pages[^1].Next);
    }

    [Fact]
    public async Task Search_finds_an_edited_text_by_its_current_content_only_and_returns_that_content()
    {
        var chat = NewChatId();
        await Append(chat, 0, Message("c1", content: "meet at the harbour"));
        await Append(chat, 1, Change("c2", MessageKind.Edit, target: 1, content: "meet at the station", sentAt: T0.AddMinutes(1)));

        Assert.Empty(await Seqs([chat], "harbour"));
        var page = await Search.SearchAsync(new SearchQuery([chat], "station", 10), Ct);
        var found = Assert.Single(page.Results);
        Assert.Equal((1L, "meet at the station", T0, (DateTimeOffset?)T0.AddMinutes(1)), (found.Seq, found.Content, found.SentAt, found.EditedAt));
    }

    [Fact]
    public async Task Search_never_finds_a_deleted_text_nor_the_edits_of_it()
    {
        var chat = NewChatId();
        await Append(chat, 0, Message("c1", content: "secret one"), Message("c2", content: "secret two"));
        await Append(chat, 2, Change("c3", MessageKind.Edit, target: 1, content: "secret three"));
        await Append(chat, 3, Change("c4", MessageKind.Delete, target: 1, content: ""));

        Assert.Equal([2L], await Seqs([chat], "secret"));
        Assert.Empty(await Seqs([chat], "three"));
    }

    [Fact]
    public async Task Search_never_returns_change_events()
    {
        var chat = NewChatId();
        await Append(chat, 0, Message("c1", content: "draft"));
        await Append(
            chat,
            1,
            Change("c2", MessageKind.Edit, target: 1, content: "final wording"),
            Change("c3", MessageKind.Reaction, target: 1, content: "final", senderId: "bob"),
            Message("c4", content: "unrelated"));

        var page = await Search.SearchAsync(new SearchQuery([chat], "final", 10), Ct);

        Assert.Equal([(1L, MessageKind.Text, "final wording")], page.Results.Select(r => (r.Seq, r.Kind, r.Content)));
    }

    [Fact]
    public async Task Search_in_the_same_call_as_the_text_and_its_edit_finds_the_edit()
    {
        var chat = NewChatId();
        await Append(
            chat,
            0,
            Message("c1", content: "first words"),
            Change("c2", MessageKind.Edit, target: 1, content: "second words"),
            Message("c3", content: "first again"));

        Assert.Equal([3L], await Seqs([chat], "first"));
        Assert.Equal([1L], await Seqs([chat], "second"));
    }

    [Fact]
    public async Task Search_with_a_cursor_it_did_not_hand_out_throws()
    {
        var chat = NewChatId();
        await Append(chat, 0, Message("c1", content: "anything"));

        await Assert.ThrowsAsync<InvalidSearchCursorException>(() => Search.SearchAsync(new SearchQuery([chat], "anything", 10, "not a cursor"), Ct));
    }

    [Fact]
    public async Task Search_whose_last_page_is_full_hands_out_no_cursor()
    {
        var chat = NewChatId();
        await Append(chat, 0, Message("c1", content: "pair"), Message("c2", content: "pair"));

        var page = await Search.SearchAsync(new SearchQuery([chat], "pair", 2), Ct);

        Assert.Equal(2, page.Results.Count);
        Assert.Null(page.Next);
    }

    /// <summary>The seqs found, ascending: texts of the same sent time come in an order each store picks.</summary>
    private async Task<IReadOnlyList<long>> Seqs(IReadOnlyCollection<string> chats, string text) =>
        [.. (await Search.SearchAsync(new SearchQuery(chats, text, 100), Ct)).Results.Select(r => r.Seq).Order()];
}
