using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Orleans.Concurrency;
using Orleans.Configuration;
using Orleans.TestingHost;
using OrleansChat.Hosting;
using OrleansChat.Persistence;
using OrleansChat.Persistence.Postgres;
using OrleansChat.TestInfrastructure;

namespace OrleansChat.Grains.Tests;

/// <summary>
/// Two silos wired for cluster mode: ADO.NET clustering, and the chat silo's AddChatGrains and AddChatStorage (ADO.NET
/// grain storage, ADO.NET reminders, the PostgreSQL message store), all on one freshly migrated database of the
/// project's schema; the client finds its gateways through ADO.NET membership. Skipped with the reason where there is no PostgreSQL.
/// </summary>
public sealed class AdoNetClusterFixture : IAsyncLifetime
{
    private PostgresServer? _server;
    private InProcessTestCluster? _cluster;

    public string ConnectionString { get; private set; } = "";

    public InProcessTestCluster Cluster
    {
        get
        {
            _server?.SkipIfUnavailable();
            return _cluster ?? throw new InvalidOperationException("The cluster is not deployed.");
        }
    }

    public IClusterClient Client => Cluster.Client;

    public async ValueTask InitializeAsync()
    {
        _server = await PostgresServer.GetAsync();
        if (_server.UnavailableReason is not null)
        {
            return;
        }

        ConnectionString = await _server.CreateDatabaseAsync("cluster");
        await PostgresDatabase.MigrateAsync(ConnectionString, TestContext.Current.CancellationToken);
        var connectionString = ConnectionString;

        var builder = new InProcessTestClusterBuilder(initialSilosCount: 2);
        UseRealMembership(builder.Options);
        builder.ConfigureSiloHost((_, host) => host.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            [$"ConnectionStrings:{PostgresStorageOptions.ConnectionStringName}"] = connectionString,
        }));
        builder.ConfigureSilo((_, silo) =>
        {
            // The real silo's grains and storage (ConnectionStrings:Postgres makes it the cluster mode's); the test
            // cluster sets the identity and endpoints that UseChatClustering would take from Orleans:*.
            silo.UsePostgresClustering(connectionString);
            silo.AddChatGrains().AddChatStorage();
            silo.Configure<ReminderOptions>(options => options.MinimumReminderPeriod = TimeSpan.FromSeconds(1));
        });
        builder.ConfigureClient(client => client.UsePostgresClustering(connectionString));

        _cluster = builder.Build();
        await _cluster.DeployAsync();
    }

    /// <summary>
    /// The in-process cluster puts its in-memory membership table (and gateway list) last in every container unless
    /// told not to; the switch is internal in 10.4.2, so it is set here by name. Without it ADO.NET clustering would
    /// be registered but never used.
    /// </summary>
    private static void UseRealMembership(InProcessTestClusterOptions options)
    {
        var property = typeof(InProcessTestClusterOptions).GetProperty("UseTestClusterMembership", BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic)
            ?? throw new InvalidOperationException("InProcessTestClusterOptions.UseTestClusterMembership no longer exists.");
        property.SetValue(options, false);
    }

    public async ValueTask DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.StopAllSilosAsync();
            await _cluster.DisposeAsync();
        }
    }

    /// <summary>One value a query over the cluster's database returns.</summary>
    public async Task<T> ScalarAsync<T>(string sql, params object[] values)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        return (T)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
    }
}

[CollectionDefinition(Name)]
public sealed class SharedAdoNetCluster : ICollectionFixture<AdoNetClusterFixture>
{
    public const string Name = "Chat cluster on ADO.NET and PostgreSQL";
}

[Collection(SharedAdoNetCluster.Name)]
public sealed class AdoNetClusterTests(AdoNetClusterFixture fixture)
{
    private const int SendersCount = 4;
    private const int MessagesPerSender = 25;
    private const int MessageCount = SendersCount * MessagesPerSender;

    private static readonly long[] AllSeqs = [.. Enumerable.Range(1, MessageCount).Select(i => (long)i)];

    private IClusterClient Client => fixture.Client;

    [Fact]
    public async Task Both_silos_are_active_members_of_the_cluster_in_PostgreSQL()
    {
#pragma warning disable xUnit1051 // The management grain's GetHosts takes no token.
        var hosts = await Client.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true);
#pragma warning restore xUnit1051

        Assert.Equal(2, hosts.Count);
        Assert.Equal(
            2L,
            await fixture.ScalarAsync<long>("SELECT count(*) FROM orleans_membership WHERE status = 3 AND deployment_id = $1;", fixture.Cluster.Options.ClusterId));
    }

    [Fact]
    public async Task Concurrent_senders_get_seqs_one_to_n_and_history_returns_them_in_order()
    {
        var senders = Enumerable.Range(0, SendersCount).Select(_ => NewUserId()).ToArray();
        var room = await NewGroup(senders[0], senders[1..]);

        var acks = await Task.WhenAll(Enumerable.Range(0, MessageCount)
            .Select(i => room.Send(new SendCommand(senders[i % SendersCount], $"m-{i}", $"message {i}"))));
        var history = await room.GetHistory(senders[0], new HistoryQuery(AfterSeq: 0, BeforeSeq: null, Limit: ProtocolLimits.MaxPageSize));

        Assert.Equal(AllSeqs, acks.Select(a => a.Seq).Order());
        Assert.Equal(AllSeqs, history.Messages.Select(m => m.Seq));
        Assert.Equal(acks.OrderBy(a => a.Seq).Select(a => a.MessageId), history.Messages.Select(m => m.MessageId));
        Assert.Equal(
            (long)MessageCount,
            await fixture.ScalarAsync<long>("SELECT count(*) FROM messages WHERE chat_id = $1;", room.GetPrimaryKeyString()));
    }

    [Fact]
    public async Task Group_membership_is_kept_in_ado_net_grain_storage_and_enforced()
    {
        var ownerId = NewUserId();
        var outsiderId = NewUserId();
        var room = await NewGroup(ownerId);

        var refused = await Assert.ThrowsAsync<ChatException>(() => Send(room, outsiderId, "let me in"));
        var chat = await room.AddMember(ownerId, outsiderId);
        var accepted = await Send(room, outsiderId, "thanks");

        Assert.Equal(ChatErrorCode.Forbidden, refused.Code);
        Assert.Equal([ownerId, outsiderId], chat.Members.Select(m => m.UserId));
        Assert.Equal(1, accepted.Seq);
        Assert.Equal(
            1L,
            await fixture.ScalarAsync<long>("SELECT count(*) FROM orleans_grain_state WHERE grain_id_ext = $1 AND payload IS NOT NULL;", room.GetPrimaryKeyString()));
    }

    [Fact]
    public async Task A_subscribed_gateway_receives_every_message_of_the_room_once()
    {
        var ownerId = NewUserId();
        var memberId = NewUserId();
        var room = await NewGroup(ownerId, memberId);
        using var gateway = new TestGateway(Client);
        await room.Subscribe(gateway.Reference);

        var acks = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Send(room, i % 2 == 0 ? ownerId : memberId, $"hello {i}")));
        var posted = await gateway.WaitForChatEventsAsync<MessagePosted>(room.GetPrimaryKeyString(), acks.Length);

        Assert.Equal(acks.Select(a => a.Seq).Order(), posted.Select(p => p.Message.Seq).Order());
    }

    [Fact]
    public async Task A_reminder_stored_through_ado_net_fires_and_stops_after_it_is_unregistered()
    {
        var probe = Client.GetGrain<IReminderProbeGrain>("probe-" + Guid.NewGuid().ToString("N"));

        await probe.Register(TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(1));
        var ticks = await probe.WaitForTicks(1);
        await probe.Unregister();

        Assert.True(ticks >= 1);
        Assert.Equal(
            0L,
            await fixture.ScalarAsync<long>("SELECT count(*) FROM orleans_reminders WHERE grain_id LIKE $1;", "%" + probe.GetPrimaryKeyString()));
    }

    private static string NewUserId() => "u-" + Guid.NewGuid().ToString("N");

    private async Task<IChatRoomGrain> NewGroup(string ownerId, params string[] memberIds)
    {
        var room = Client.GetGrain<IChatRoomGrain>(Identifiers.NewGroupChatId(TimeProvider.System));
        await room.CreateGroup(ownerId, "cluster group", memberIds);
        return room;
    }

    private static Task<SendResult> Send(IChatRoomGrain room, string senderId, string content) =>
        room.Send(new SendCommand(senderId, "c-" + Guid.NewGuid().ToString("N"), content));
}

/// <summary>A grain that counts the ticks of one reminder, and lets a caller await them.</summary>
[Alias("tests.IReminderProbeGrain")]
public interface IReminderProbeGrain : IGrainWithStringKey
{
    [Alias("Register")]
    Task Register(TimeSpan dueTime, TimeSpan period);

    [Alias("WaitForTicks")]
    Task<int> WaitForTicks(int count);

    [Alias("Unregister")]
    Task Unregister();
}

[Reentrant]
public sealed class ReminderProbeGrain : Grain, IReminderProbeGrain, IRemindable
{
    private const string ReminderName = "probe";
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(30);

    private readonly List<(int Count, TaskCompletionSource<int> Done)> _waiters = [];
    private int _ticks;

    public Task Register(TimeSpan dueTime, TimeSpan period) => this.RegisterOrUpdateReminder(ReminderName, dueTime, period);

    public async Task<int> WaitForTicks(int count)
    {
        if (_ticks >= count)
        {
            return _ticks;
        }

        var done = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        _waiters.Add((count, done));
        return await done.Task.WaitAsync(WaitLimit);
    }

    public async Task Unregister()
    {
        var reminder = await this.GetReminder(ReminderName);
        if (reminder is not null)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        _ticks++;
        foreach (var waiter in _waiters.Where(w => w.Count <= _ticks).ToList())
        {
            waiter.Done.TrySetResult(_ticks);
            _waiters.Remove(waiter);
        }

        return Task.CompletedTask;
    }
}
