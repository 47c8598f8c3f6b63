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
    /// How often a pulling agent looks for new chunks. Orleans' default (100 ms) alone would spend the whole
    /// chunk-latency budget (PROTOCOL.md 9, issue 14: p99 under 100 ms). 10 ms measured no better with 200 jobs at
    /// once (the CPU, not the wait, sets the tail there) and doubles the idle cost.
    /// </summary>
    public static readonly TimeSpan PollPeriod = TimeSpan.FromMilliseconds(20);

    /// <summary>
    /// Queues across the cluster (Orleans' default), one pulling agent each, spread over the silos. Every look is a
    /// call to an in-memory queue, idle or not: an idle cluster pays <see cref="Queues"/> / <see cref="PollPeriod"/>
    /// calls a second (400). 4 queues at 10 ms (the same idle cost) measured no better in one run.
    /// </summary>
    public const int Queues = 8;

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
        silo.AddMemoryStreams(AssistantStreams.ProviderName, streams =>
        {
            streams.ConfigurePartitioning(Queues);
            streams.ConfigurePullingAgent(agent => agent.Configure(options =>
            {
                options.GetQueueMsgsTimerPeriod = PollPeriod;

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
        client.AddMemoryStreams(AssistantStreams.ProviderName, streams => streams.ConfigurePartitioning(Queues));
        return client;
    }
}
