using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using OrleansChat.Persistence.Writing;

namespace OrleansChat.Persistence.Tests;

/// <summary>Storage metrics over a meter factory of their own, for stores built without a host.</summary>
internal static class TestStorageMetrics
{
    private static readonly ServiceProvider Services = new ServiceCollection().AddMetrics().BuildServiceProvider();

    public static StorageMetrics Create() => new(Services.GetRequiredService<IMeterFactory>());
}
