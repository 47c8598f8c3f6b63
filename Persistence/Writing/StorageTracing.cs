using System.Diagnostics;

namespace OrleansChat.Persistence.Writing;

/// <summary>
/// The message stores' <see cref="ActivitySource"/>: one span per merged append transaction. With no listener it
/// makes nothing, and the writer asks <see cref="ActivitySource.HasListeners"/> before it keeps any context.
/// </summary>
public static class StorageTracing
{
    public const string SourceName = "OrleansChat.Storage";

    internal static readonly ActivitySource Source = new(SourceName);

    /// <summary>The caller's trace context, worth keeping for the transaction only while someone listens.</summary>
    internal static ActivityContext CallerContext() =>
        Source.HasListeners() && Activity.Current is { } current ? current.Context : default;

    /// <summary>
    /// The span of one transaction: a child of the first call's trace, linked to the other calls' traces (a
    /// transaction merges many rooms' appends). Null when nobody listens.
    /// </summary>
    internal static Activity? StartTransaction<T>(IReadOnlyList<T> calls, Func<T, ActivityContext> contextOf, int messages)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        var parent = calls.Count > 0 ? contextOf(calls[0]) : default;
        List<ActivityLink>? links = null;
        for (var i = 1; i < calls.Count; i++)
        {
            var context = contextOf(calls[i]);
            if (context != default && context.TraceId != parent.TraceId)
            {
                (links ??= []).Add(new ActivityLink(context));
            }
        }

        var activity = Source.StartActivity("chat.store.append", ActivityKind.Internal, parent, links: links);
        activity?.SetTag("chat.store.calls", calls.Count);
        activity?.SetTag("chat.store.messages", messages);
        return activity;
    }
}
