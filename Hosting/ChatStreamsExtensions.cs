using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Hosting;
using OrleansChat.Persistence;

namespace OrleansChat.Hosting;

/// <summary>
/// The stream provider that carries an assistant reply's chunks from its job to the gateways (DESIGN.md 7a): memory
/// streams named <see cref="AssistantStreams.ProviderName"/>, the same on every silo and on every gateway that is an
/// Orleans client, so that both ends resolve one provider by one name.
/// </summary>
public static class ChatStreamsExtensions
{
    /// <summary>
    /// How often a pulling agent looks for new chunks (<c>Assistant:ChunkPollPeriod</c>): a chunk waits half of it on
    /// average. Orleans' default (100 ms) alone would spend the whole chunk-latency budget (PROTOCOL.md 9, issue 14:
    /// p99 under 100 ms). 5 ms with 2 queues against 20 ms with 8 (the same idle cost) halved chunk delivery at 10 jobs
    /// at once (p50 11 -> 5 ms, p99 24 -> 12 ms, four pairs) and was no worse at 200 (loadtest/RESULTS.md).
    /// </summary>
    public static readonly TimeSpan PollPeriod = TimeSpan.FromMilliseconds(5);

    /// <summary>
    /// Queues across the cluster (<c>Assistant:ChunkQueues</c>), one pulling agent each, spread over the silos. Every
    /// look is a call to an in-memory queue, idle or not: an idle cluster pays queues / poll period calls a second (400
    /// with the defaults). A cluster of more silos than queues has silos without an agent, which costs nothing: an agent
    /// delivers to subscribers wherever they are.
    /// </summary>
    public const int Queues = 2;

    /// <summary>At most this many chunks of one stream go to one subscriber in one call.</summary>
    public const int DeliveryBatch = 32;

    /// <summary>
    /// The memory streams and the pub-sub state (<see cref="AssistantStreams.PubSubStorageName"/>), by
    /// <see cref="StorageMode"/>: in a cluster, PostgreSQL like the chat's own grain state, so a gateway's
    /// subscriptions outlive the silo that held them; embedded, memory: the one silo's subscribers are in the same
    /// process or re-subscribe with their leases, and chunks are best effort, so a write per subscription is not
    /// worth paying.
    /// </summary>
    public static ISiloBuilder AddChatStreams(this ISiloBuilder silo)
    {
        ArgumentNullException.ThrowIfNull(silo);
        var (period, queues) = ChunkStreamSettings(silo.Configuration);
        silo.AddMemoryStreams(AssistantStreams.ProviderName, streams =>
        {
            streams.ConfigurePartitioning(queues);
            streams.ConfigurePullingAgent(agent => agent.Configure(options =>
            {
                options.GetQueueMsgsTimerPeriod = period;

                // A stream behind (a burst, a slow moment) catches up in calls of many chunks instead of one call each.
                options.BatchContainerBatchSize = DeliveryBatch;
            }));
        });
        if (silo.Configuration.GetStorageMode() == StorageMode.Cluster)
        {
            silo.AddPostgresGrainStorage(AssistantStreams.PubSubStorageName, silo.Configuration.GetPostgresConnectionString()!);
        }
        else
        {
            silo.AddMemoryGrainStorage(AssistantStreams.PubSubStorageName);
        }

        return silo;
    }

    /// <summary>The same memory streams on a process that joins the cluster as a client (a standalone gateway).</summary>
    public static IClientBuilder AddChatStreams(this IClientBuilder client)
    {
        ArgumentNullException.ThrowIfNull(client);
        var (_, queues) = ChunkStreamSettings(client.Configuration);
        client.AddMemoryStreams(AssistantStreams.ProviderName, streams => streams.ConfigurePartitioning(queues));
        return client;
    }

    /// <summary><c>Assistant:ChunkPollPeriod</c> and <c>Assistant:ChunkQueues</c>, checked as the other settings are.</summary>
    private static (TimeSpan Period, int Queues) ChunkStreamSettings(IConfiguration configuration)
    {
        var period = configuration.GetValue("Assistant:ChunkPollPeriod", PollPeriod);
        var queues = configuration.GetValue("Assistant:ChunkQueues", Queues);
        var failures = new OptionsFailures("Assistant");
        failures.Require(period >= TimeSpan.FromMilliseconds(1) && period <= TimeSpan.FromSeconds(1), "ChunkPollPeriod", "must be between 1 ms and 1 s");
        failures.RequireRange(queues, 1, 64, "ChunkQueues");
        return failures.Result.Failed
            ? throw new OptionsValidationException("Assistant", typeof(ChatStreamsExtensions), failures.Result.Failures)
            : (period, queues);
    }
}
