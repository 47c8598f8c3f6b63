using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OrleansChat.Persistence;
using OrleansChat.Persistence.Postgres;
using OrleansChat.Persistence.Sqlite;
using OrleansChat.Persistence.Writing;

// Search p99 on a store of many messages (issue 13): fills a store through IMessageStore (or reuses one filled before),
// then times searches through IMessageSearch, one at a time, as users of 1, 20, `member-chats` and 500 chats make them.
// Usage: SearchBench <data directory | postgres:<connection string>> [messages=1000000] [chats=1000] [queries=2000] [member-chats=50]
var target = args.Length > 0 ? args[0] : Path.Combine(Path.GetTempPath(), "orleanschat-searchbench");
var messages = Arg(1, 1_000_000);
var chats = Arg(2, 1000);
var queries = Arg(3, 2000);
var memberChats = Arg(4, 50);

using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
var metrics = new StorageMetrics(services.GetRequiredService<IMeterFactory>());
await using var stores = OpenStore(target, metrics);
var store = stores.Store;
var search = (IMessageSearch)store;

var vocabulary = Vocabulary.Create(5000);
var random = new Random(13);
var opening = Stopwatch.GetTimestamp();
var stored = await CountAsync(store, chats);
Console.Error.WriteLine($"{stored} messages found, store opened and migrated in {Stopwatch.GetElapsedTime(opening).TotalSeconds:F1} s");
if (stored < messages)
{
    await FillAsync(store, vocabulary, random, chats, messages, stored);
}

var scopes = new List<(string, Func<string[]>)> { ("1 chat", () => [ChatId(random.Next(chats))]) };
foreach (var size in new[] { 20, memberChats, 500 }.Distinct().Where(size => size <= chats))
{
    scopes.Add(($"{size} chats", () => [.. Enumerable.Range(0, chats).OrderBy(_ => random.Next()).Take(size).Select(ChatId)]));
}

foreach (var (name, scope) in scopes)
{
    foreach (var (kind, text) in new (string, Func<string>)[]
    {
        ("1 word, prefix", () => Prefix(vocabulary.Next(random))),
        ("2 words", () => $"{vocabulary.Next(random)} {Prefix(vocabulary.Next(random))}"),
        ("rare word", () => Prefix(vocabulary.Words[^(1 + random.Next(1000))])),
        ("common word", () => vocabulary.Words[random.Next(10)]),
        ("2 common words", () => $"{vocabulary.Words[random.Next(10)]} {vocabulary.Words[random.Next(10)]}"),
        ("1-3 letters", () => vocabulary.Next(random)[..(1 + random.Next(3))]),
        ("common + 1 letter", () => $"{vocabulary.Words[random.Next(10)]} {vocabulary.Next(random)[..1]}"),
    })
    {
        var times = new List<double>(queries);
        var found = 0L;
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        for (var i = 0; i < queries; i++)
        {
            var query = new SearchQuery(scope(), text(), 20);
            var started = Stopwatch.GetTimestamp();
            var page = await search.SearchAsync(query);
            times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            found += page.Results.Count;
        }

        times.Sort();
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"| {name} | {kind} | {queries} | {found / (double)queries:F1} | {P(times, 0.50):F2} | {P(times, 0.99):F2} | {times[^1]:F2} | {(Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds / queries:F2} |"));
    }
}

int Arg(int index, int fallback) => args.Length > index ? int.Parse(args[index], CultureInfo.InvariantCulture) : fallback;

static string ChatId(int n) => $"g:bench-{n:D5}";

static string Prefix(string word) => word.Length > 4 ? word[..^1] : word;

static double P(List<double> sorted, double quantile) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(quantile * sorted.Count) - 1)];

static async Task<long> CountAsync(IMessageStore store, int chats)
{
    long count = 0;
    for (var chat = 0; chat < chats; chat++)
    {
        count += (await store.GetLastAsync(ChatId(chat)))?.Seq ?? 0;
    }

    return count;
}

static async Task FillAsync(IMessageStore store, Vocabulary vocabulary, Random random, int chats, int messages, long stored)
{
    var perChat = messages / chats;
    var sentAt = DateTimeOffset.FromUnixTimeMilliseconds(1_780_000_000_000);
    var started = Stopwatch.GetTimestamp();
    for (var round = 0; round < perChat; round += 50)
    {
        var appends = new List<Task>();
        for (var chat = 0; chat < chats; chat++)
        {
            var batch = new NewMessage[Math.Min(50, perChat - round)];
            for (var i = 0; i < batch.Length; i++)
            {
                sentAt = sentAt.AddMilliseconds(random.Next(3));
                batch[i] = new NewMessage(Guid.CreateVersion7(), $"user-{random.Next(100)}", $"c{round + i}", vocabulary.Sentence(random), sentAt, []);
            }

            appends.Add(store.AppendAsync(new ChatAppend(ChatId(chat), round, batch)));
        }

        await Task.WhenAll(appends);
        Console.Error.WriteLine($"{(round + 50) * chats} messages stored, {Stopwatch.GetElapsedTime(started).TotalSeconds:F0} s");
    }
}

static BenchStore OpenStore(string target, StorageMetrics metrics)
{
    const string postgres = "postgres:";
    if (target.StartsWith(postgres, StringComparison.Ordinal))
    {
        var options = Options.Create(new PostgresStorageOptions { ConnectionString = target[postgres.Length..] });
        var database = new PostgresDatabase(options, TimeProvider.System);
        return new BenchStore(new PostgresMessageStore(database, options, metrics, NullLogger<PostgresMessageStore>.Instance), database);
    }

    var sqliteOptions = Options.Create(new StorageOptions { DataDirectory = target });
    var sqlite = new SqliteDatabase(sqliteOptions, TimeProvider.System);
    return new BenchStore(new SqliteMessageStore(sqlite, sqliteOptions, metrics, NullLogger<SqliteMessageStore>.Instance), sqlite);
}

/// <summary>A store and the database under it, disposed together.</summary>
internal sealed class BenchStore(IMessageStore store, object database) : IAsyncDisposable
{
    public IMessageStore Store { get; } = store;

    public async ValueTask DisposeAsync()
    {
        if (Store is IAsyncDisposable disposable)
        {
            await disposable.DisposeAsync();
        }

        if (database is IAsyncDisposable asyncDatabase)
        {
            await asyncDatabase.DisposeAsync();
        }
        else if (database is IDisposable syncDatabase)
        {
            syncDatabase.Dispose();
        }
    }
}

/// <summary>Made-up words whose use follows Zipf's law, as words of a language do: a few very common, most rare.</summary>
internal sealed class Vocabulary(string[] words, double[] cumulative)
{
    public string[] Words { get; } = words;

    public static Vocabulary Create(int size)
    {
        var random = new Random(7);
        var words = new HashSet<string>(StringComparer.Ordinal);
        while (words.Count < size)
        {
            words.Add(string.Concat(Enumerable.Range(0, 2 + random.Next(4)).Select(_ => "bcdfghjklmnprstvz"[random.Next(17)] + "aeiou"[random.Next(5)].ToString())));
        }

        var weights = Enumerable.Range(1, size).Select(rank => 1.0 / rank).ToArray();
        var total = weights.Sum();
        var cumulative = new double[size];
        var sum = 0.0;
        for (var i = 0; i < size; i++)
        {
            sum += weights[i] / total;
            cumulative[i] = sum;
        }

        return new Vocabulary([.. words], cumulative);
    }

    public string Next(Random random)
    {
        var index = Array.BinarySearch(cumulative, random.NextDouble());
        return Words[Math.Min(Words.Length - 1, index < 0 ? ~index : index)];
    }

    public string Sentence(Random random) =>
        string.Join(' ', Enumerable.Range(0, 4 + random.Next(12)).Select(_ => Next(random))) + (random.Next(4) == 0 ? "!" : ".");
}
