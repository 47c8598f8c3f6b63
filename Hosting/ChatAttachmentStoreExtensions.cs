using Microsoft.Extensions.DependencyInjection;
using OrleansChat.Persistence;

namespace OrleansChat.Hosting;

/// <summary>The attachment store of a process, chosen by <see cref="StorageMode"/>.</summary>
public static class ChatAttachmentStoreExtensions
{
    /// <summary>
    /// Files under <c>Storage:DataDirectory</c> in <see cref="StorageMode.Embedded"/>, PostgreSQL in
    /// <see cref="StorageMode.Cluster"/> (so any process of the cluster serves any attachment); a second call adds nothing.
    /// </summary>
    public static IServiceCollection AddChatAttachmentStore(this IServiceCollection services, StorageMode mode) =>
        mode == StorageMode.Cluster ? services.AddPostgresAttachmentStore() : services.AddFileAttachmentStore();
}
