using System.Net;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OrleansChat.Grains.Assistant;

namespace OrleansChat.ProtocolTests;

/// <summary>
/// A stand-in for the providers on the job tests' server: it answers <c>You said: {prompt}</c> in two chunks, or, for a
/// prompt holding <see cref="Hold"/>, writes <c>Thinking</c> and holds the reply until the job stops it.
/// </summary>
public sealed class StandInReplies : IAssistantReplies
{
    public const string Provider = "stand-in";
    public const string Hold = "[hold]";

    public async IAsyncEnumerable<AssistantReplyUpdate> StreamAsync(AssistantRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (request.Prompt.Contains(Hold, StringComparison.Ordinal))
        {
            yield return new AssistantReplyUpdate(Provider, "Thinking");
            await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
        }

        yield return new AssistantReplyUpdate(Provider, "You said: ");
        yield return new AssistantReplyUpdate(Provider, request.Prompt);
    }
}

/// <summary>The server of the job tests: the shared server's settings, with <see cref="StandInReplies"/> as its providers.</summary>
public sealed class AssistantServerFixture : IAsyncLifetime
{
    public ChatServer Server { get; private set; } = null!;

    /// <summary>The assistant as a user the tests open chats with (it needs no token of its own).</summary>
    public ChatUser Assistant => new(Server, "assistant");

    public async ValueTask InitializeAsync() =>
        Server = await ChatServer.StartWithAsync(b => b.Services.AddSingleton<IAssistantReplies, StandInReplies>(), null);

    public async ValueTask DisposeAsync() => await Server.DisposeAsync();

    /// <summary>The job as its member sees it, once <paramref name="until"/> holds; the job moves on its own.</summary>
    public static async Task<JsonElement> JobWhenAsync(ChatUser member, string jobId, Func<JsonElement, bool> until)
    {
        var limit = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            using var response = await member.GetAsync($"jobs/{jobId}");
            var job = await Expect.StatusAsync(response, HttpStatusCode.OK);
            if (until(job))
            {
                return job;
            }

            Assert.True(DateTime.UtcNow < limit, $"job {jobId} never got there; it is {job}");
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }
}

[CollectionDefinition(Name)]
public sealed class SharedAssistantServer : ICollectionFixture<AssistantServerFixture>
{
    public const string Name = "chat server with a stand-in assistant";
}
