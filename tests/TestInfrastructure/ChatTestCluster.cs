using Microsoft.Data.Sqlite;
using Orleans.TestingHost;

namespace OrleansChat.TestInfrastructure;

/// <summary>
/// An in-process cluster of chat silos (<see cref="ChatSiloConfiguration.ConfigureLikeChatSilo"/>) over a SQLite
/// database in a scratch folder; disposing it stops the silos, releases the database files and deletes the folder.
/// </summary>
public sealed class ChatTestCluster : IAsyncDisposable
{
    private ChatTestCluster(InProcessTestCluster cluster, string dataDirectory)
    {
        Cluster = cluster;
        DataDirectory = dataDirectory;
    }

    public InProcessTestCluster Cluster { get; }

    /// <summary><c>Storage:DataDirectory</c> of every silo: they share one database.</summary>
    public string DataDirectory { get; }

    /// <param name="silos">Silos to start.</param>
    /// <param name="settings">Configuration keys besides <c>Storage:DataDirectory</c>.</param>
    /// <param name="configure">Changes before the chat silo's wiring; services registered here win over its defaults.</param>
    public static async Task<ChatTestCluster> StartAsync(
        short silos, IReadOnlyDictionary<string, string?>? settings = null, Action<InProcessTestClusterBuilder>? configure = null)
    {
        var dataDirectory = ScratchDirectory.Create("orleanschat-test-clusters");
        var builder = new InProcessTestClusterBuilder(silos);
        configure?.Invoke(builder);
        var cluster = new ChatTestCluster(builder.ConfigureLikeChatSilo(dataDirectory, settings).Build(), dataDirectory);
        try
        {
            await cluster.Cluster.DeployAsync();
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();

        // Pooled connections keep the database files open, and the folder could not be deleted.
        SqliteConnection.ClearAllPools();
        ScratchDirectory.Delete(DataDirectory);
    }
}
