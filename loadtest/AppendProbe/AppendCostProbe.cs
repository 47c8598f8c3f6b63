using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using OrleansChat.Persistence;
using OrleansChat.Persistence.Sqlite;

namespace OrleansChat.AppendProbe;

/// <summary>
/// A measurement (<c>dotnet run -c Release --project loadtest/AppendProbe [out-file]</c>): what SQLite's append transaction
/// spends per message kind, over a real <c>chat.db</c> with fsync on. Transactions of <see cref="Chats"/> calls of one
/// message each, the calls of direct chats as the load generator's senders make them (64-character contents; edits of
/// one of the sender's last 16 texts, reactions to one of the peer's); plain transactions (texts only) alternate with
/// mixed ones (80% texts, 10% edits, 10% reactions), so both meet the same file. It prints its figures and, when given
/// a file, appends them there too. A call's time is given twice: wall clock, and the
/// CPU time of its thread (SQLite's statements run synchronously on it), which a busy machine inflates far less.
/// </summary>
internal static class AppendCostProbe
{
    private const int Chats = 100;
    private const int Prefill = 64;
    private const int Rounds = 300;
    private const int Kept = 16;
    private static readonly string Padding = new('x', 44);

    public static async Task<string> RunAsync(string dataDirectory)
    {
        var options = Microsoft.Extensions.Options.Options.Create(new StorageOptions { DataDirectory = dataDirectory });
        var database = new SqliteDatabase(options, TimeProvider.System);
        await database.EnsureMigratedAsync(CancellationToken.None);
        await using var dialect = new SqliteAppendDialect(database);
        var chats = Enumerable.Range(0, Chats).Select(i => new DirectChat($"probe-{i}")).ToArray();
        var clock = DateTimeOffset.FromUnixTimeMilliseconds(1_780_000_000_000);
        for (var i = 0; i < Prefill; i++)
        {
            clock = clock.AddMilliseconds(Chats / 4);
            await WriteAsync(dialect, chats, clock, _ => MessageKind.Text, null);
        }

        var plain = new Figures();
        var mixed = new Figures();
        for (var round = 0; round < Rounds; round++)
        {
            clock = clock.AddMilliseconds(Chats / 4);
            await WriteAsync(dialect, chats, clock, _ => MessageKind.Text, plain);
            clock = clock.AddMilliseconds(Chats / 4);
            var offset = round;
            await WriteAsync(dialect, chats, clock, i => ((i + offset) % 10) switch { 8 => MessageKind.Edit, 9 => MessageKind.Reaction, _ => MessageKind.Text }, mixed);
        }

        return string.Join('\n', plain.Lines("plain"), mixed.Lines("mixed"));
    }

    private static async Task WriteAsync(SqliteAppendDialect dialect, DirectChat[] chats, DateTimeOffset sentAt, Func<int, MessageKind> kindOf, Figures? figures)
    {
        var calls = new ChatAppend[chats.Length];
        for (var i = 0; i < chats.Length; i++)
        {
            // About 4,000 messages a second, as the load generator's direct runs send: four per millisecond.
            calls[i] = chats[i].Next(kindOf(i), sentAt.AddMilliseconds(i / 4));
        }

        var started = Stopwatch.GetTimestamp();
        var startedCpu = ThreadCpuMicroseconds();
        var transaction = await dialect.BeginAsync(calls);
        var failed = true;
        try
        {
            for (var i = 0; i < calls.Length; i++)
            {
                var call = Stopwatch.GetTimestamp();
                var cpu = ThreadCpuMicroseconds();
                var outcome = (await dialect.WriteCallAsync(transaction, calls[i])).Single();
                var cpuAfter = ThreadCpuMicroseconds();
                figures?.Call(calls[i].Messages[0].Kind, Stopwatch.GetElapsedTime(call), cpuAfter - cpu);
                chats[i].Stored(outcome.Message);
            }

            await dialect.FinishAsync(transaction);
            var written = Stopwatch.GetTimestamp();
            var writtenCpu = ThreadCpuMicroseconds();
            await transaction.CommitAsync();
            failed = false;
            figures?.Transaction(Stopwatch.GetElapsedTime(started, written), Stopwatch.GetElapsedTime(written), (writtenCpu - startedCpu) / 1000);
        }
        finally
        {
            await dialect.EndAsync(transaction, failed);
        }
    }

    private static double ThreadCpuMicroseconds()
    {
        const int ClockThreadCpuTimeId = 3;
        return ClockGetTime(ClockThreadCpuTimeId, out var time) == 0 ? (time.Seconds * 1e6) + (time.Nanoseconds / 1e3) : double.NaN;
    }

    [DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out TimeSpec time);

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    /// <summary>A direct chat of two senders who take turns, with each one's last texts.</summary>
    private sealed class DirectChat(string chatId)
    {
        private readonly List<long>[] _texts = [[], []];
        private long _lastSeq;
        private int _turn;
        private int _sent;

        public ChatAppend Next(MessageKind kind, DateTimeOffset sentAt)
        {
            var sender = _turn;
            var own = _texts[sender];
            var peer = _texts[1 - sender];
            var target = kind switch
            {
                MessageKind.Edit when own.Count > 0 => own[_sent % own.Count],
                MessageKind.Reaction when peer.Count > 0 => peer[_sent % peer.Count],
                _ => 0,
            };
            kind = target == 0 ? MessageKind.Text : kind;
            _sent++;
            var content = kind == MessageKind.Reaction ? "👍" : string.Create(CultureInfo.InvariantCulture, $"{sentAt.ToUnixTimeMilliseconds()}{_sent}|{Padding}");
            var targetSender = $"{chatId}-{(kind == MessageKind.Edit ? sender : 1 - sender)}";
            var message = new NewMessage(Guid.CreateVersion7(), $"{chatId}-{sender}", $"k{_sent}", content, sentAt, [])
            {
                Kind = kind,
                Target = kind == MessageKind.Text ? null : target,

                // As the room sends changes: with the target it checked.
                CheckedTarget = kind == MessageKind.Text ? null : new MessageTarget(target, MessageKind.Text, targetSender, Deleted: false),
            };
            return new ChatAppend(chatId, _lastSeq, [message]);
        }

        public void Stored(StoredMessage message)
        {
            _lastSeq = message.Seq;
            if (message.Kind == MessageKind.Text)
            {
                var own = _texts[_turn];
                own.Add(message.Seq);
                if (own.Count > Kept)
                {
                    own.RemoveAt(0);
                }
            }

            _turn = 1 - _turn;
        }
    }

    private sealed class Figures
    {
        private readonly Dictionary<MessageKind, List<double>> _calls = [];
        private readonly Dictionary<MessageKind, List<double>> _cpu = [];

        public List<(double Write, double Commit, double WriteCpu)> Transactions { get; } = [];

        public void Call(MessageKind kind, TimeSpan elapsed, double cpuMicroseconds)
        {
            if (!_calls.TryGetValue(kind, out var list))
            {
                _calls[kind] = list = [];
                _cpu[kind] = [];
            }

            list.Add(elapsed.TotalMicroseconds);
            _cpu[kind].Add(cpuMicroseconds);
        }

        public void Transaction(TimeSpan write, TimeSpan commit, double writeCpuMilliseconds) =>
            Transactions.Add((write.TotalMilliseconds, commit.TotalMilliseconds, writeCpuMilliseconds));

        public string Lines(string name)
        {
            var lines = new List<string>
            {
                Line(name, "transaction write ms", Transactions.Select(t => t.Write)),
                Line(name, "write cpu ms", Transactions.Select(t => t.WriteCpu)),
                Line(name, "commit ms", Transactions.Select(t => t.Commit)),
                Line(name, "write + commit ms", Transactions.Select(t => t.Write + t.Commit)),
            };
            lines.AddRange(_calls.OrderBy(c => c.Key).Select(c => Line(name, $"{c.Key} call us", c.Value)));
            lines.AddRange(_cpu.OrderBy(c => c.Key).Select(c => Line(name, $"{c.Key} call cpu us", c.Value)));
            return string.Join('\n', lines);
        }

        private static string Line(string name, string what, IEnumerable<double> values)
        {
            var sorted = values.Order().ToArray();
            return string.Create(
                CultureInfo.InvariantCulture,
                $"{name,-6} {what,-22} n={sorted.Length,6} mean={sorted.Average(),9:F1} p50={At(sorted, 0.50),9:F1} p90={At(sorted, 0.90),9:F1} p99={At(sorted, 0.99),9:F1} sum={sorted.Sum(),11:F1}");
        }

        private static double At(double[] sorted, double quantile) => sorted[Math.Min(sorted.Length - 1, (int)(quantile * sorted.Length))];
    }
}
