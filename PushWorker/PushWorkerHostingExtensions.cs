using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OrleansChat.Hosting;
using OrleansChat.PushWorker.Senders;

namespace OrleansChat.PushWorker;

public static class PushWorkerHostingExtensions
{
    /// <summary>
    /// The push worker as a hosted service: <see cref="PushOptions"/> bound from <c>Push</c> and validated at start,
    /// the sender chosen by <c>Push:Sender</c>, and its metrics on the <c>OrleansChat</c> meter. The host provides
    /// the cluster (<see cref="IGrainFactory"/>: a silo, or an Orleans client) and the outbox (<see cref="Persistence.IPushOutbox"/>).
    /// </summary>
    public static IHostApplicationBuilder AddPushWorker(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddPushDispatcher();
        builder.Services.AddHostedService<PushWorkerService>();
        return builder;
    }

    /// <summary>Everything of <see cref="AddPushWorker"/> but the hosted service: a host that drives <see cref="PushDispatcher"/> itself.</summary>
    public static IServiceCollection AddPushDispatcher(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddValidatedOptions<PushOptions, PushOptionsValidator>(PushOptions.SectionName);
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.TryAddSingleton<PushMetrics>();
        services.TryAddSingleton<PushDispatcher>();

        services.AddHttpClient(FcmPushSender.HttpClientName, (provider, http) =>
        {
            var options = Options(provider);
            http.BaseAddress = WithTrailingSlash(options.Fcm.Endpoint);
            http.Timeout = options.SendTimeout;
        });
        services.AddHttpClient(ApnsPushSender.HttpClientName, (provider, http) =>
        {
            var options = Options(provider);
            http.BaseAddress = WithTrailingSlash(options.Apns.Endpoint);
            http.Timeout = options.SendTimeout;
            http.DefaultRequestVersion = HttpVersion.Version20;
            http.DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact;
        });
        services.AddHttpClient(WebPushSender.HttpClientName, (provider, http) => http.Timeout = Options(provider).SendTimeout);

        services.TryAddSingleton(provider => new FcmCredentials(Options(provider).Fcm));
        services.TryAddSingleton(provider => new Vapid(
            Options(provider).WebPush.Subject!,
            Options(provider).WebPush.PublicKey!,
            Options(provider).WebPush.PrivateKey!));
        services.TryAddSingleton<IPushSender>(provider => Options(provider).Sender switch
        {
            PushSenderKind.Fcm => ActivatorUtilities.CreateInstance<FcmPushSender>(provider),
            PushSenderKind.Apns => ActivatorUtilities.CreateInstance<ApnsPushSender>(provider, Options(provider).Apns),
            PushSenderKind.WebPush => ActivatorUtilities.CreateInstance<WebPushSender>(provider, Options(provider).WebPush),
            _ => ActivatorUtilities.CreateInstance<LogPushSender>(provider),
        });
        return services;
    }

    private static PushOptions Options(IServiceProvider provider) => provider.GetRequiredService<IOptions<PushOptions>>().Value;

    /// <summary>So that relative paths append to the endpoint's own path (a stand-in may sit under one).</summary>
    private static Uri WithTrailingSlash(Uri endpoint) =>
        endpoint.AbsoluteUri.EndsWith('/') ? endpoint : new Uri(endpoint.AbsoluteUri + "/");
}
