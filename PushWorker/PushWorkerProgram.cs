using Microsoft.Extensions.Hosting;
using OrleansChat.Hosting;

namespace OrleansChat.PushWorker;

/// <summary>The push worker as a process of its own, in cluster mode: an Orleans client draining the PostgreSQL outbox.</summary>
public static class PushWorkerProgram
{
    public static async Task Main(string[] args)
    {
        var builder = Host.CreateApplicationBuilder(args);
        builder.AddChatLogLevelDefaults();      // the same log levels as every other process
        builder.AddPushWorkerClusterClient();   // Orleans client over ADO.NET clustering; the PostgreSQL outbox
        builder.AddPushWorker();                // claim loop and sender, from Push:*
        await builder.Build().RunAsync().ConfigureAwait(false);
    }
}
