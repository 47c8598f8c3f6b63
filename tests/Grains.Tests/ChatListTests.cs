using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using OrleansChat.Persistence;
using OrleansChat.Persistence.Sqlite;

namespace OrleansChat.Grains.Tests;

/// <summary>The chat list grain (PROTOCOL.md 6.5): one store query per list, whatever the number of chats.</summary>
[Collection(CountingStoreCluster.Name)]
public sealed class ChatListTests(CountingStoreClusterFixture fixture) : ChatTestBase(fixture)
{
    [Fact]
    public async Task A_list_of_many_chats_reads_the_store_once_and_only_for_the_chats_with_something_unread()
    {
        var (readerId, otherId) = (NewUserId(), NewUserId());
        var rooms = new List<IChatRoomGrain>();
        for (var i = 0; i < 30; i++)
        {
            var room = await NewGroup(otherId, readerId);
            if (i % 3 != 0)
            {
                await Send(room, otherId, $"@{readerId} hello");
            }

            rooms.Add(room);
        }

        var before = fixture.Reads();
        var listed = await Client.GetGrain<IChatListGrain>(0).List(readerId);
        var reads = fixture.Reads() - before;

        Assert.Equal((1, 20, 0), (reads.UnreadCalls, reads.ChatsAsked, reads.OtherReads));
        Assert.Equal(rooms.Select(r => r.GetPrimaryKeyString()), listed.Select(l => l.Chat.ChatId));
        Assert.Equal(20, listed.Count(l => (l.UnreadCount, l.MentionCount) == (1, 1)));
        Assert.Equal(10, listed.Count(l => (l.UnreadCount, l.MentionCount) == (0, 0)));
    }
}

/// <summary>The chat cluster with every silo's message store wrapped in a <see cref="CountingMessageStore"/>.</summary>
public sealed class CountingStoreClusterFixture : ChatClusterFixture
{
    /// <summary>The reads of every silo's store so far, added up.</summary>
    public StoreReads Reads() => Cluster.Silos
        .Select(s => Cluster.GetSiloServiceProvider(s.SiloAddress).GetRequiredService<CountingMessageStore>().Reads)
        .Aggregate(new StoreReads(0, 0, 0), (sum, r) => sum + r);

    protected override void Configure(InProcessTestClusterBuilder builder) =>
        builder.ConfigureSilo((_, silo) =>
        {
            silo.Services.AddSingleton<CountingMessageStore>();
            silo.Services.AddSingleton<IMessageStore>(provider => provider.GetRequiredService<CountingMessageStore>());
        });
}

[CollectionDefinition(Name)]
public sealed class CountingStoreCluster : ICollectionFixture<CountingStoreClusterFixture>
{
    public const string Name = "Chat cluster with counted store reads";
}

public readonly record struct StoreReads(int UnreadCalls, int ChatsAsked, int OtherReads)
{
    public static StoreReads operator +(StoreReads a, StoreReads b) =>
        new(a.UnreadCalls + b.UnreadCalls, a.ChatsAsked + b.ChatsAsked, a.OtherReads + b.OtherReads);

    public static StoreReads operator -(StoreReads a, StoreReads b) =>
        new(a.UnreadCalls - b.UnreadCalls, a.ChatsAsked - b.ChatsAsked, a.OtherReads - b.OtherReads);
}

/// <summary>The silo's SQLite store, counting the reads that reach it.</summary>
public sealed class CountingMessageStore(SqliteMessageStore inner) : IMessageStore
{
    private int _unreadCalls;
    private int _chatsAsked;
    private int _otherReads;

    public StoreReads Reads => new(Volatile.Read(ref _unreadCalls), Volatile.Read(ref _chatsAsked), Volatile.Read(ref _otherReads));

    public Task<IReadOnlyList<AppendOutcome>> AppendAsync(ChatAppend append, CancellationToken cancellationToken = default) =>
        inner.AppendAsync(append, cancellationToken);

    public Task<MessagePage> ReadAsync(string chatId, MessageRange range, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _otherReads);
        return inner.ReadAsync(chatId, range, cancellationToken);
    }

    public Task<StoredMessage?> GetLastAsync(string chatId, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _otherReads);
        return inner.GetLastAsync(chatId, cancellationToken);
    }

    public Task<IReadOnlyList<MessageTarget>> GetTargetsAsync(string chatId, IReadOnlyCollection<long> seqs, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _otherReads);
        return inner.GetTargetsAsync(chatId, seqs, cancellationToken);
    }

    public Task<StoredMessage?> FindByClientMsgIdAsync(string chatId, string senderId, string clientMsgId, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _otherReads);
        return inner.FindByClientMsgIdAsync(chatId, senderId, clientMsgId, cancellationToken);
    }

    public Task<IReadOnlyList<Persistence.Attachments.AttachmentRecord>> GetAttachmentsAsync(IReadOnlyCollection<Guid> attachmentIds, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _otherReads);
        return inner.GetAttachmentsAsync(attachmentIds, cancellationToken);
    }

    public Task<IReadOnlyList<UnreadCount>> CountUnreadAsync(string userId, IReadOnlyCollection<ReadPosition> chats, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _unreadCalls);
        Interlocked.Add(ref _chatsAsked, chats.Count);
        return inner.CountUnreadAsync(userId, chats, cancellationToken);
    }

    public Task CheckHealthAsync(CancellationToken cancellationToken = default) => inner.CheckHealthAsync(cancellationToken);
}
