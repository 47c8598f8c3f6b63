using Microsoft.Extensions.Logging.Abstractions;
using OrleansChat.Gateway.Connections;

namespace OrleansChat.ProtocolTests.Gateway;

/// <summary>Local connections of one key share one subscription on its grain; failures and empty keys start over.</summary>
public sealed class LeasedSubscriptionsTests
{
    private const string Key = "user-1";

    [Fact]
    public async Task Connections_joining_one_key_share_one_subscription_and_its_answer()
    {
        var subscriptions = new ScriptedSubscriptions();
        var answer = subscriptions.AnswerNext();
        var (alice, _) = TestConnections.Open("alice");
        var (bob, _) = TestConnections.Open("bob");

        var first = subscriptions.JoinAsync(alice, Key, links: null);
        var second = subscriptions.JoinAsync(bob, Key, links: null);
        answer.SetResult(7);

        Assert.Equal(7, (await first).Answer);
        Assert.Equal(7, (await second).Answer);
        Assert.Same((await first).Local, (await second).Local);
        Assert.Equal([alice, bob], (await first).Local.Connections);
        Assert.Equal([Key], subscriptions.Subscribed);
    }

    [Fact]
    public async Task A_failed_subscription_is_forgotten_and_the_next_joiner_subscribes_again()
    {
        var subscriptions = new ScriptedSubscriptions();
        subscriptions.AnswerNext().SetException(new TimeoutException());
        subscriptions.AnswerNext().SetResult(5);
        var (alice, _) = TestConnections.Open("alice");
        var (bob, _) = TestConnections.Open("bob");

        await Assert.ThrowsAsync<TimeoutException>(() => subscriptions.JoinAsync(alice, Key, links: null));
        var (local, answer) = await subscriptions.JoinAsync(bob, Key, links: null);

        Assert.Equal(5, answer);
        Assert.Equal([alice, bob], local.Connections);
        Assert.Equal([Key, Key], subscriptions.Subscribed);
    }

    [Fact]
    public async Task A_fresh_join_of_an_existing_subscription_gets_a_current_answer()
    {
        var subscriptions = new ScriptedSubscriptions { Current = 9 };
        subscriptions.AnswerNext().SetResult(1);
        var (alice, _) = TestConnections.Open("alice");
        var (bob, _) = TestConnections.Open("bob");

        var first = await subscriptions.JoinAsync(alice, Key, links: null, fresh: true);
        var second = await subscriptions.JoinAsync(bob, Key, links: null, fresh: true);

        Assert.Equal((1, 9), (first.Answer, second.Answer));
        Assert.Equal([Key], subscriptions.Subscribed);
    }

    [Fact]
    public async Task Renewal_renews_a_key_with_connections_and_releases_one_without_for_a_new_one_to_be_made()
    {
        var subscriptions = new ScriptedSubscriptions();
        subscriptions.AnswerNext().SetResult(1);
        subscriptions.AnswerNext().SetResult(2);
        subscriptions.AnswerNext().SetResult(3);
        var (alice, _) = TestConnections.Open("alice");
        var links = new KeySet();
        var (kept, _) = await subscriptions.JoinAsync(alice, Key, links);

        await subscriptions.RenewAsync(new ParallelOptions());
        subscriptions.Leave(alice, Key);
        await subscriptions.RenewAsync(new ParallelOptions());
        var (made, answer) = await subscriptions.JoinAsync(alice, Key, links);

        Assert.Equal([Key], links.ToArray());
        Assert.Equal([Key, Key, Key], subscriptions.Subscribed);
        Assert.Equal([Key], subscriptions.Released);
        Assert.True(kept.Retired);
        Assert.NotSame(kept, made);
        Assert.Equal(3, answer);
    }

    private sealed class Local(string key) : LocalSubscription<int>(key);

    /// <summary>Subscriptions whose grain answers are the tasks the test queues, in order.</summary>
    private sealed class ScriptedSubscriptions() : LeasedSubscriptions<Local, int>(NullLogger.Instance)
    {
        private readonly Queue<TaskCompletionSource<int>> _answers = new();

        public List<string> Subscribed { get; } = [];

        public List<string> Released { get; } = [];

        public int Current { get; init; }

        public TaskCompletionSource<int> AnswerNext()
        {
            var answer = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
            _answers.Enqueue(answer);
            return answer;
        }

        protected override Local Create(string key) => new(key);

        protected override Task<int> SubscribeAsync(string key)
        {
            lock (Subscribed)
            {
                Subscribed.Add(key);
                return _answers.Dequeue().Task;
            }
        }

        protected override Task<int> CurrentAsync(string key) => Task.FromResult(Current);

        protected override Task ReleaseAsync(string key)
        {
            lock (Released)
            {
                Released.Add(key);
            }

            return Task.CompletedTask;
        }
    }
}
