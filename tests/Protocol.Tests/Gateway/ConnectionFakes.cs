using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Reflection;
using System.Text;
using System.Threading.Channels;
using OrleansChat.Gateway;
using OrleansChat.Gateway.Connections;

namespace OrleansChat.ProtocolTests.Gateway;

/// <summary>A framing that keeps what the connection writes, in order, and how many frames each flush sent, for the test to read.</summary>
internal sealed class RecordingTransport : IFrameTransport
{
    private readonly Channel<string> _frames = Channel.CreateUnbounded<string>();
    private readonly ConcurrentQueue<int> _batches = new();
    private readonly Channel<int> _flushes = Channel.CreateUnbounded<int>();
    private int _unflushed;

    /// <summary>The frames of each flush so far, in order.</summary>
    public int[] Batches => [.. _batches];

    public ValueTask SendAsync(ReadOnlyMemory<byte> frame, CancellationToken cancellationToken)
    {
        _unflushed++;
        return _frames.Writer.WriteAsync(Encoding.UTF8.GetString(frame.Span), cancellationToken);
    }

    public ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        _batches.Enqueue(_unflushed);
        _flushes.Writer.TryWrite(_unflushed);
        _unflushed = 0;
        return ValueTask.CompletedTask;
    }

    public Task CloseAsync(CloseCode code, string reason, CancellationToken cancellationToken)
    {
        _frames.Writer.TryComplete();
        return Task.CompletedTask;
    }

    public void Abort() => _frames.Writer.TryComplete();

    public bool IsDisconnect(Exception exception) => false;

    /// <summary>The next frame the connection wrote, within a few seconds.</summary>
    public async Task<string> NextAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        return await _frames.Reader.ReadAsync(timeout.Token);
    }

    /// <summary>How many frames the next flush sent, within a few seconds.</summary>
    public async Task<int> NextFlushAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        return await _flushes.Reader.ReadAsync(timeout.Token);
    }

    /// <summary>Every frame written until the connection closed.</summary>
    public async Task<List<string>> AllAsync()
    {
        var frames = new List<string>();
        await foreach (var frame in _frames.Reader.ReadAllAsync())
        {
            frames.Add(frame);
        }

        return frames;
    }
}

internal static class TestConnections
{
    public static (ChatConnection Connection, RecordingTransport Transport) Open(string userId = "alice")
    {
        var (connection, transport) = Create(new GatewayOptions(), userId);
        connection.StartWriter();
        return (connection, transport);
    }

    /// <summary>A connection whose writer the test starts.</summary>
    public static (ChatConnection Connection, RecordingTransport Transport) Create(GatewayOptions options, string userId = "alice")
    {
        var transport = new RecordingTransport();
        return (new ChatConnection(transport, userId, "session-" + userId, options, Metrics()), transport);
    }

    /// <summary>Closes the connection once what it queued is written, and returns all of that in order.</summary>
    public static async Task<List<string>> WrittenAsync(this ChatConnection connection, RecordingTransport transport)
    {
        connection.Close(CloseCode.Normal, "");
        await connection.WriterCompletion;
        return await transport.AllAsync();
    }

    public static GatewayMetrics Metrics() => new(new TestMeterFactory());

    /// <summary>Metrics of their own, and the frames they count as delivered (<c>chat.deliveries</c>) from now on.</summary>
    public static (GatewayMetrics Metrics, DeliveryCount Delivered) CountedMetrics()
    {
        var meters = new TestMeterFactory();
        var metrics = new GatewayMetrics(meters);
        return (metrics, new DeliveryCount(meters.Created!));
    }

    public static byte[] Frame(string text) => Encoding.UTF8.GetBytes(text);

    private sealed class TestMeterFactory : IMeterFactory
    {
        public Meter? Created { get; private set; }

        public Meter Create(MeterOptions options) => Created = new Meter(options);

        public void Dispose()
        {
        }
    }
}

/// <summary>
/// Rooms whose <see cref="IChatRoomGrain.SendBatch"/> calls wait until the test answers them; every other grain call
/// fails. Made through <see cref="Create"/>, which returns the grain factory that hands them out.
/// </summary>
public class ScriptedRooms : DispatchProxy
{
    private readonly Channel<BatchCall> _calls = Channel.CreateUnbounded<BatchCall>();

    public static (IGrainFactory Grains, ScriptedRooms Rooms) Create()
    {
        var grains = DispatchProxy.Create<IGrainFactory, ScriptedRooms>();
        return (grains, (ScriptedRooms)(object)grains);
    }

    /// <summary>The next SendBatch call any room received, in call order.</summary>
    public async Task<BatchCall> NextCallAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        return await _calls.Reader.ReadAsync(timeout.Token);
    }

    public bool TryTakeCall(out BatchCall? call) => _calls.Reader.TryRead(out call);

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        if (targetMethod?.Name == nameof(IGrainFactory.GetGrain) && targetMethod.ReturnType == typeof(IChatRoomGrain))
        {
            var room = DispatchProxy.Create<IChatRoomGrain, Room>();
            ((Room)(object)room).Init((string)args![0]!, _calls.Writer);
            return room;
        }

        throw new NotSupportedException(targetMethod?.Name);
    }

    public class Room : DispatchProxy
    {
        private string _chatId = "";
        private ChannelWriter<BatchCall>? _calls;

        internal void Init(string chatId, ChannelWriter<BatchCall> calls) => (_chatId, _calls) = (chatId, calls);

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            if (targetMethod?.Name != nameof(IChatRoomGrain.SendBatch))
            {
                throw new NotSupportedException(targetMethod?.Name);
            }

            var call = new BatchCall(_chatId, (IReadOnlyList<SendCommand>)args![0]!);
            _calls!.TryWrite(call);
            return call.Answer.Task;
        }
    }
}

/// <summary>One SendBatch call; the test answers it with <see cref="AckAll"/>.</summary>
public sealed record BatchCall(string ChatId, IReadOnlyList<SendCommand> Commands)
{
    public TaskCompletionSource<IReadOnlyList<SendOutcome>> Answer { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string[] ClientMsgIds => [.. Commands.Select(c => c.ClientMsgId)];

    public void AckAll() => Answer.SetResult(
        [.. Commands.Select((c, i) => SendOutcome.Stored(new SendResult(ChatId, c.ClientMsgId, Guid.NewGuid(), i + 1, DateTimeOffset.UnixEpoch)))]);
}

/// <summary>What one meter's <c>chat.deliveries</c> counter has added up since this was made.</summary>
internal sealed class DeliveryCount : IDisposable
{
    private readonly MeterListener _listener = new();
    private long _total;

    public DeliveryCount(Meter meter)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter == meter && instrument.Name == "chat.deliveries")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref _total, value));
        _listener.Start();
    }

    public long Total => Interlocked.Read(ref _total);

    public void Dispose() => _listener.Dispose();
}
