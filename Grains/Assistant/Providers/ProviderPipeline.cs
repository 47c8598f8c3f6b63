using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace OrleansChat.Grains.Assistant.Providers;

/// <summary>
/// One provider's way to its first delta: retries (outermost, honouring Retry-After), a circuit breaker that every try
/// counts towards, and a timeout per try (innermost).
/// </summary>
internal static class ProviderPipeline
{
    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan SamplingWindow = TimeSpan.FromMinutes(1);

    public static ResiliencePipeline Build(AssistantProviderOptions options, TimeProvider time, CircuitBreakerStateProvider circuit)
    {
        var builder = new ResiliencePipelineBuilder { TimeProvider = time };
        if (options.Retries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                // A Retry-After longer than the provider's timeout is better spent on the next provider.
                ShouldHandle = new PredicateBuilder()
                    .Handle<ProviderFailure>(f => f.Transient && (f.RetryAfter is null || f.RetryAfter <= options.Timeout))
                    .Handle<TimeoutRejectedException>(),
                MaxRetryAttempts = options.Retries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = FirstRetryDelay,
                MaxDelay = options.Timeout,
                DelayGenerator = args => ValueTask.FromResult(args.Outcome.Exception is ProviderFailure { RetryAfter: { } after } ? after : (TimeSpan?)null),
            });
        }

        return builder
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<ProviderFailure>().Handle<TimeoutRejectedException>(),
                FailureRatio = 0.5,
                MinimumThroughput = Math.Max(2, options.BreakAfterFailures),
                SamplingDuration = SamplingWindow,
                BreakDuration = options.BreakDuration,
                StateProvider = circuit,
            })
            .AddTimeout(options.Timeout)
            .Build();
    }
}
