using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using OrleansChat.Client;
using OrleansChat.LoadGen.Mix;
using OrleansChat.LoadGen.Targets;

namespace OrleansChat.LoadGen.Scenarios;

/// <summary>
/// What fanout and direct share: connected members of chats, paced senders, and the checks on every message frame.
/// Each message's content starts with the Stopwatch timestamp at which it was due to be sent, so send-to-receive
/// latency counts from the schedule (no coordinated omission), wherever the message is received. With a traffic mix
/// (direct), a sender's edits carry the same stamp; its reactions carry an emoji, so they count for acks only. Every
/// seq is checked, change events included.
/// </summary>
internal sealed class MessagingRun(LoadOptions options, ITarget target)
{
    private readonly OrderChecker _checker = new();
    private readonly Latency _delivery = new();
    private readonly Latency _ack = new();
    private readonly ConcurrentDictionary<string, long> _lastAcked = new();
    private readonly List<IChatClient> _clients = [];
    private readonly string _padding = new('x', Math.Max(0, options.ContentLength - 20));
    private readonly ConcurrentDictionary<IChatClient, ChangeTargets> _changeTargets = new();
    private readonly Latency[] _ackByKind = [new(), new(), new()];
    private readonly long[] _ackedByKind = new long[3];
    private long _measureFrom;
    private long _measureTo = long.MaxValue;
    private long _deliveredInWindow;
    private long _ackedInWindow;
    private long _offered;
    private long _errors;

    public OrderChecker Checker => _checker;

    /// <summary>Connects a user who receives <paramref name="chats"/> (and, unless <paramref name="receiveOnly"/>, sends); returns the client.</summary>
    public async Task<IChatClient> ConnectAsync(string userId, IReadOnlyList<string> chats, CancellationToken cancellationToken, bool receiveOnly = false)
    {
        int index;
        lock (_clients)
        {
            index = _clients.Count;
            _clients.Add(null!);
        }

        foreach (var chat in chats)
        {
            _checker.Expect(index, chat);
        }

        var changes = options.Mix.IsPlain ? null : new ChangeTargets(userId, seed: index);
        var client = receiveOnly
            ? await target.ConnectReceiverAsync(userId, chats, message => OnMessage(index, message, changes), cancellationToken)
            : await target.ConnectAsync(userId, chats, message => OnMessage(index, message, changes), cancellationToken);
        lock (_clients)
        {
            _clients[index] = client;
        }

        if (changes is not null)
        {
            _changeTargets[client] = changes;
        }

        return client;
    }

    /// <summary>Runs the senders for the configured duration, drains, checks, and summarizes.</summary>
    public async Task<ScenarioResult> SendAsync(
        string scenario, string shape, string unit, IReadOnlyList<(IChatClient Client, string ChatId)> senders, bool throughputIsAcks, CancellationToken cancellationToken)
    {
        var startedAt = DateTimeOffset.UtcNow;
        var start = Stopwatch.GetTimestamp();
        _measureFrom = start + (long)(options.WarmupSeconds * Stopwatch.Frequency);
        _measureTo = start + (long)(options.DurationSeconds * Stopwatch.Frequency);
        var cpu = ProcessCpu.MeasureAsync(options.Cpu, _measureFrom, _measureTo, cancellationToken);
        var tasks = senders.Select((s, i) => PaceAsync(s.Client, s.ChatId, i, start, cancellationToken)).ToList();
        await Task.WhenAll(tasks);

        // Drain: every member should reach the last acked seq of each chat.
        var deadline = Stopwatch.GetTimestamp() + 20 * Stopwatch.Frequency;
        var lastAcked = new Dictionary<string, long>(_lastAcked);
        while (!_checker.HasDrained(lastAcked) && Stopwatch.GetTimestamp() < deadline)
        {
            await Task.Delay(50, cancellationToken);
        }

        _checker.Finish(lastAcked);
        var window = Math.Max(0.001, options.DurationSeconds - options.WarmupSeconds);
        var result = new ScenarioResult
        {
            Scenario = scenario,
            Target = target.Name,
            Shape = shape,
            Mix = options.Mix.IsPlain ? null : options.Mix.ToString(),
            StartedAt = startedAt,
            AckedByKind = Enum.GetValues<TrafficKind>().ToDictionary(KindName, k => Interlocked.Read(ref _ackedByKind[(int)k])),
            AckLatencyByKind = options.Mix.IsPlain
                ? new Dictionary<string, LatencySummary>()
                : Enum.GetValues<TrafficKind>().ToDictionary(KindName, k => _ackByKind[(int)k].Summary()),
            ThroughputUnit = unit,
            Throughput = (throughputIsAcks ? Interlocked.Read(ref _ackedInWindow) : Interlocked.Read(ref _deliveredInWindow)) / window,
            Offered = Interlocked.Read(ref _offered) / options.DurationSeconds,
            Latency = throughputIsAcks ? _ack.Summary() : _delivery.Summary(),
            AckLatency = _ack.Summary(),
            Connections = _clients.Count,
            Received = _checker.Received,
            Gaps = _checker.Gaps,
            Duplicates = _checker.Duplicates,
            Reorderings = _checker.Reorderings,
            Errors = Interlocked.Read(ref _errors),
            Violations = _checker.Violations,
            MeasuredSeconds = window,
            ProcessCpuSeconds = await cpu,
        };
        return result;
    }

    public async Task DisconnectAllAsync()
    {
        await Parallel.ForEachAsync(_clients.Where(c => c is not null), new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (c, _) => await c.DisposeAsync());
    }

    private async Task PaceAsync(IChatClient client, string chatId, int sender, long start, CancellationToken cancellationToken)
    {
        var total = (long)(options.Rate * options.DurationSeconds);
        var ticksPerMessage = Stopwatch.Frequency / options.Rate;
        using var slots = new SemaphoreSlim(options.MaxInFlight);
        var chooser = options.Mix.IsPlain ? null : options.Mix.NewChooser();
        var changes = chooser is null ? null : _changeTargets[client];
        var pending = new List<Task>();
        for (long i = 0; i < total; i++)
        {
            var due = start + (long)(i * ticksPerMessage);
            var wait = due - Stopwatch.GetTimestamp();
            if (wait > Stopwatch.Frequency / 1000)
            {
                await Task.Delay(TimeSpan.FromSeconds((double)wait / Stopwatch.Frequency), cancellationToken);
            }

            // Latency counts from when the send was due, or from when the timer woke us if it overslept; waiting for a
            // free in-flight slot (the server pushing back) counts.
            var stamp = Math.Max(due, Stopwatch.GetTimestamp());
            await slots.WaitAsync(cancellationToken);
            Interlocked.Increment(ref _offered);
            var (kind, changed) = changes is null ? (TrafficKind.Text, 0) : changes.Pick(chooser!.Next());
            pending.Add(SendOneAsync(client, chatId, $"{sender}-{i}", new Planned(kind, changed, i, changes), stamp, slots, cancellationToken));
            if (pending.Count >= 4096)
            {
                pending.RemoveAll(t => t.IsCompleted);
            }
        }

        await Task.WhenAll(pending);
    }

    private async Task SendOneAsync(
        IChatClient client, string chatId, string clientMsgId, Planned send, long due, SemaphoreSlim slots, CancellationToken cancellationToken)
    {
        try
        {
            var content = string.Create(CultureInfo.InvariantCulture, $"{due}|{_padding}");
            var seq = send.Kind switch
            {
                // A text goes the plain way, so that a run without a mix sends exactly what it always did.
                TrafficKind.Text => await client.SendAsync(chatId, clientMsgId, content, cancellationToken),
                TrafficKind.Edit => await client.SendAsync(chatId, clientMsgId, OutgoingMessage.Edit(send.Target, content), cancellationToken),
                _ => await client.SendAsync(chatId, clientMsgId, OutgoingMessage.Reaction(send.Target, Emojis[send.Index % Emojis.Length]), cancellationToken),
            };
            var now = Stopwatch.GetTimestamp();
            if (due >= _measureFrom)
            {
                _ack.RecordSince(due);
                if (send.Changes is not null)
                {
                    _ackByKind[(int)send.Kind].RecordSince(due);
                }
            }

            Interlocked.Increment(ref _ackedByKind[(int)send.Kind]);
            if (send.Kind == TrafficKind.Text)
            {
                send.Changes?.OwnTextAcked(seq);
            }

            if (now >= _measureFrom && now <= _measureTo)
            {
                Interlocked.Increment(ref _ackedInWindow);
            }

            _lastAcked.AddOrUpdate(chatId, seq, (_, last) => Math.Max(last, seq));
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            if (Interlocked.Increment(ref _errors) <= 5)
            {
                Console.Error.WriteLine($"send to {chatId} failed: {e.Message}");
            }
        }
        finally
        {
            slots.Release();
        }
    }

    private static string KindName(TrafficKind kind) => kind switch
    {
        TrafficKind.Edit => MessageKinds.Edit,
        TrafficKind.Reaction => MessageKinds.Reaction,
        _ => MessageKinds.Text,
    };

    private void OnMessage(int connection, ReceivedMessage message, ChangeTargets? changes)
    {
        _checker.Observe(connection, message.ChatId, message.Seq);
        changes?.Received(message.Seq, message.Kind, message.SenderId);
        var content = message.Content;
        var bar = content.IndexOf('|', StringComparison.Ordinal);
        if (bar > 0 && long.TryParse(content.AsSpan(0, bar), NumberStyles.None, CultureInfo.InvariantCulture, out var due))
        {
            var now = Stopwatch.GetTimestamp();
            if (due >= _measureFrom)
            {
                _delivery.Record((long)((now - due) * 1_000_000.0 / Stopwatch.Frequency));
            }

            if (now >= _measureFrom && now <= _measureTo)
            {
                Interlocked.Increment(ref _deliveredInWindow);
            }
        }
    }

    /// <summary>One send as planned: its kind, the seq it changes, its index in the sender's schedule.</summary>
    private readonly record struct Planned(TrafficKind Kind, long Target, long Index, ChangeTargets? Changes);

    private static readonly string[] Emojis = ["👍", "❤️", "😂", "🎉"];
}
