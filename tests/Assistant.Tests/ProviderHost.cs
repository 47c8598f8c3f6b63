using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OrleansChat.Grains.Assistant;
using OrleansChat.Grains.Assistant.Providers;
using OrleansChat.Persistence;

namespace OrleansChat.Assistant.Tests;

/// <summary>
/// The services a silo gives the assistant's providers: the SQLite message store in a scratch folder and
/// <c>AddAssistantProviders</c> from the given configuration, started as a host (so options are checked as at a
/// silo's start), every log line recorded.
/// </summary>
public sealed class ProviderHost : IAsyncDisposable
{
    private readonly ScratchDirectory _directory;
    private readonly IHost _host;

    private ProviderHost(ScratchDirectory directory, IHost host, LogRecorder log)
    {
        _directory = directory;
        _host = host;
        Log = log;
    }

    public LogRecorder Log { get; }

    public IAssistantReplies Replies => _host.Services.GetRequiredService<IAssistantReplies>();

    public IMessageStore Store => _host.Services.GetRequiredService<IMessageStore>();

    /// <summary>A started host; a configuration the providers refuse throws what the silo's start would.</summary>
    public static Task<ProviderHost> StartAsync(params (string Key, string Value)[] settings) => StartAsync(TimeProvider.System, settings);

    /// <summary>A started host whose providers take their time (timeouts, backoff, circuits) from <paramref name="time"/>.</summary>
    public static async Task<ProviderHost> StartAsync(TimeProvider time, params (string Key, string Value)[] settings)
    {
        var directory = new ScratchDirectory("orleanschat-assistant-tests");
        var log = new LogRecorder();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        var configuration = new Dictionary<string, string?> { ["Storage:DataDirectory"] = directory.Path };
        foreach (var (key, value) in settings)
        {
            configuration[key] = value;
        }

        builder.Configuration.AddInMemoryCollection(configuration);
        builder.Services.AddSingleton(time);
        builder.Logging.ClearProviders().SetMinimumLevel(LogLevel.Trace).AddProvider(log);
        builder.Services.AddSqliteChatStorage();
        builder.Services.AddAssistantProviders();
        var host = builder.Build();
        try
        {
            await host.StartAsync(TestContext.Current.CancellationToken);
        }
        catch
        {
            host.Dispose();
            directory.Dispose();
            throw;
        }

        return new ProviderHost(directory, host, log);
    }

    /// <summary>
    /// Settings of provider <paramref name="index"/>: an OpenAI-compatible one at the stand-in, with no retries unless
    /// <paramref name="more"/> says otherwise (a later setting of the same key wins).
    /// </summary>
    public static (string, string)[] OpenAi(int index, StandInOpenAi standIn, string model, params (string Key, string Value)[] more) =>
    [
        ($"Assistant:Providers:{index}:Kind", "OpenAI"),
        ($"Assistant:Providers:{index}:Endpoint", standIn.Endpoint),
        ($"Assistant:Providers:{index}:Model", model),
        ($"Assistant:Providers:{index}:Retries", "0"),
        .. more.Select(m => ($"Assistant:Providers:{index}:{m.Key}", m.Value)),
    ];

    /// <summary>Stores texts in <paramref name="chatId"/> and answers their seqs.</summary>
    public async Task<long[]> SendAsync(string chatId, params (string Sender, string Text)[] texts)
    {
        var at = DateTimeOffset.UtcNow;
        var messages = texts.Select((t, i) => new NewMessage(Guid.CreateVersion7(), t.Sender, Guid.NewGuid().ToString(), t.Text, at.AddSeconds(i), [])).ToList();
        return await AppendAsync(chatId, messages);
    }

    public async Task DeleteAsync(string chatId, long seq, string sender) =>
        await AppendAsync(chatId, [new NewMessage(Guid.CreateVersion7(), sender, Guid.NewGuid().ToString(), "", DateTimeOffset.UtcNow, []) { Kind = MessageKind.Delete, Target = seq }]);

    public async Task EditAsync(string chatId, long seq, string sender, string content) =>
        await AppendAsync(chatId, [new NewMessage(Guid.CreateVersion7(), sender, Guid.NewGuid().ToString(), content, DateTimeOffset.UtcNow, []) { Kind = MessageKind.Edit, Target = seq }]);

    /// <summary>The whole reply to the message at <paramref name="seq"/>, as the job would read it.</summary>
    public async Task<List<AssistantReplyUpdate>> AskAsync(string chatId, long seq, string requester, string prompt, int attempt = 1)
    {
        var updates = new List<AssistantReplyUpdate>();
        var request = new AssistantRequest($"job-{chatId}-{seq}-{attempt}", chatId, seq, requester, prompt, attempt);
        await foreach (var update in Replies.StreamAsync(request, TestContext.Current.CancellationToken))
        {
            updates.Add(update);
        }

        return updates;
    }

    /// <summary>Sends <paramref name="prompt"/> from <paramref name="requester"/> and asks for the reply to it.</summary>
    public async Task<string> AskTextAsync(string chatId, string requester, string prompt, int attempt = 1)
    {
        var seq = (await SendAsync(chatId, (requester, prompt)))[0];
        return string.Concat((await AskAsync(chatId, seq, requester, prompt, attempt)).Select(u => u.Delta));
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
        _directory.Dispose();
    }

    private async Task<long[]> AppendAsync(string chatId, List<NewMessage> messages)
    {
        var outcomes = await Store.AppendAsync(new ChatAppend(chatId, await LastSeqAsync(chatId), messages));
        return [.. outcomes.Select(o => o.Message.Seq)];
    }

    private async Task<long> LastSeqAsync(string chatId) => (await Store.GetLastAsync(chatId))?.Seq ?? 0;
}
