using Microsoft.Extensions.DependencyInjection;
using OrleansChat.Persistence;

namespace OrleansChat.Hosting;

/// <summary>The storage name the chat grains use in <c>[PersistentState(stateName, ChatGrainStorage.Name)]</c>.</summary>
public static class ChatGrainStorage
{
    public const string Name = "chat";
}

/// <summary>The chat's storage on a silo, chosen by <see cref="StorageMode"/>.</summary>
public static class ChatStorageSiloBuilderExtensions
{
    /// <summary>
    /// Grain state <see cref="ChatGrainStorage.Name"/> (System.Text.Json), the message store and the push outbox:
    /// in SQLite under <c>Storage:DataDirectory</c>, or in PostgreSQL, which then also keeps the reminders. The assistant's
    /// chunk streams come with it (<see cref="ChatStreamsExtensions.AddChatStreams(ISiloBuilder)"/>): their pub-sub
    /// state follows the same decision.
    /// </summary>
    public static ISiloBuilder AddChatStorage(this ISiloBuilder silo)
    {
        ArgumentNullException.ThrowIfNull(silo);
        var mode = silo.Configuration.GetStorageMode();
        silo.Services.AddChatMessageStore(mode);
        if (mode == StorageMode.Cluster)
        {
            var connectionString = silo.Configuration.GetPostgresConnectionString()!;
            silo.AddPostgresGrainStorage(ChatGrainStorage.Name, connectionString);
            silo.UsePostgresReminders(connectionString);
        }
        else
        {
            silo.AddSqliteGrainStorage(ChatGrainStorage.Name);

            // One process holds the whole cluster here, so its reminders (assistant jobs') live as long as it does.
            silo.UseInMemoryReminderService();
        }

        silo.UseSystemTextJsonGrainStorageSerializer();
        silo.AddChatStreams();
        return silo;
    }

    /// <summary>
    /// The message store and push outbox of <paramref name="mode"/>, whose schema a hosted service migrates at start.
    /// A silo host calls this before <c>UseOrleans</c>, so that the migration runs before the silo needs its tables
    /// (hosted services start in the order they were added); a second call adds nothing.
    /// </summary>
    public static IServiceCollection AddChatMessageStore(this IServiceCollection services, StorageMode mode) =>
        mode == StorageMode.Cluster ? services.AddPostgresChatStorage() : services.AddSqliteChatStorage();
}
