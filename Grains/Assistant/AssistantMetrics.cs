using System.Diagnostics.Metrics;

namespace OrleansChat.Grains.Assistant;

/// <summary>The assistant's instruments on the <c>OrleansChat</c> meter: jobs by how they ended, first-chunk latency, output.</summary>
public sealed class AssistantMetrics
{
    private readonly Counter<long> _jobsEnded;
    private readonly Histogram<double> _timeToFirstChunk;
    private readonly Counter<long> _charactersOut;

    public AssistantMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(ChatMetrics.MeterName);
        _jobsEnded = meter.CreateCounter<long>("chat.assistant.jobs", "{job}", "Assistant jobs that ended, by final status and provider.");
        _timeToFirstChunk = meter.CreateHistogram<double>(
            "chat.assistant.time_to_first_chunk", "s", "From the start of an attempt to its first chunk.");
        _charactersOut = meter.CreateCounter<long>("chat.assistant.characters_out", "{character}", "Characters the providers wrote into replies.");
    }

    public void JobEnded(AssistantJobStatus status, string? provider) => _jobsEnded.Add(
        1,
        new KeyValuePair<string, object?>("status", AssistantJobStatuses.Name(status)),
        new KeyValuePair<string, object?>("provider", provider ?? "none"));

    public void FirstChunk(TimeSpan elapsed) => _timeToFirstChunk.Record(elapsed.TotalSeconds);

    public void CharactersOut(int characters) => _charactersOut.Add(characters);
}
