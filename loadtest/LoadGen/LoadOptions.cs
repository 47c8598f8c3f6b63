using System.Globalization;
using OrleansChat.LoadGen.Mix;
using OrleansChat.LoadGen.Targets;

namespace OrleansChat.LoadGen;

/// <summary>What to run, against what. Every option is <c>--name value</c> on the command line.</summary>
public sealed record LoadOptions
{
    /// <summary>connections, fanout, direct, chatlist or assistant.</summary>
    public string Scenario { get; init; } = "fanout";

    /// <summary>orleanschat, signalr or websocket.</summary>
    public string Target { get; init; } = "orleanschat";

    public Uri Url { get; init; } = new("http://127.0.0.1:5000");

    /// <summary>websocket or sse: how the fanout scenario's receiving members connect (sse: <c>GET /api/v1/events</c>, OrleansChat only).</summary>
    public string Receivers { get; init; } = "websocket";

    /// <summary>OrleansChat's <c>Auth:SigningKey</c>; without it tokens come from the dev-token endpoint.</summary>
    public string? SigningKey { get; init; }

    /// <summary>The server's pid, to read its memory from /proc; else OrleansChat's /metrics is read.</summary>
    public int? ServerPid { get; init; }

    /// <summary>fanout, direct: server processes whose CPU time (with their descendants') over the measured window the record keeps (<c>--cpu silo1=1234,postgres=1240</c>).</summary>
    public IReadOnlyList<NamedPid> Cpu { get; init; } = [];

    /// <summary>The name the record gives the target, when a deployment of it needs telling apart (<c>orleanschat-cluster</c>); else the target's.</summary>
    public string? TargetName { get; init; }

    /// <summary>How many loopback source addresses (127.0.1.x) to spread connections over; 0 = the system's choice.</summary>
    public int SourceAddresses { get; init; } = 1;

    /// <summary>The first source address index (generator processes use different ones).</summary>
    public int SourceAddressOffset { get; init; }

    /// <summary>Generator processes (connections scenario): this process coordinates, the others connect.</summary>
    public int Processes { get; init; } = 1;

    /// <summary>Set on a worker process: its index among <see cref="Processes"/>.</summary>
    public int? Worker { get; init; }

    /// <summary>connections: how many connections in all.</summary>
    public int Connections { get; init; } = 1000;

    /// <summary>connections: handshakes in flight at once.</summary>
    public int ConnectConcurrency { get; init; } = 200;

    /// <summary>connections: seconds to hold the connections once all are open.</summary>
    public double HoldSeconds { get; init; } = 10;

    /// <summary>connections: application heartbeat (ping) period per connection.</summary>
    public double HeartbeatSeconds { get; init; } = 25;

    /// <summary>fanout: chats; chatlist: the reader's chats.</summary>
    public int Chats { get; init; } = 10;

    /// <summary>fanout: members per chat, the sender included.</summary>
    public int Members { get; init; } = 100;

    /// <summary>direct: pairs.</summary>
    public int Pairs { get; init; } = 100;

    /// <summary>chatlist: measured <c>GET /me/chats</c> calls, one after another (a tenth as many warm up first).</summary>
    public int Requests { get; init; } = 500;

    /// <summary>Messages per second per sender (fanout: one sender per chat; direct: both sides of each pair).</summary>
    public double Rate { get; init; } = 10;

    /// <summary>Seconds of sending, warm-up included.</summary>
    public double DurationSeconds { get; init; } = 20;

    /// <summary>Seconds at the start that are checked but not measured.</summary>
    public double WarmupSeconds { get; init; } = 3;

    /// <summary>Sends a sender may have waiting for their ack.</summary>
    public int MaxInFlight { get; init; } = 256;

    /// <summary>direct against orleanschat: the shares of texts, edits and reactions each sender sends (<c>--mix text=80,edit=10,reaction=10</c>).</summary>
    public TrafficMix Mix { get; init; } = TrafficMix.AllText;

    /// <summary>assistant: users, each with one job at the same moment.</summary>
    public int Users { get; init; } = 200;

    /// <summary>assistant: jobs per warm-up round (other users, all at once, awaited); rounds run for <see cref="WarmupSeconds"/>.</summary>
    public int WarmupJobs { get; init; } = 50;

    /// <summary>assistant: <c>direct</c> (a direct chat with the assistant, read on two devices) or <c>group</c> (2 users and the assistant, <c>@assistant</c>).</summary>
    public string AssistantChat { get; init; } = "direct";

    /// <summary>assistant: the assistant's user id (the server's <c>Assistant:UserId</c>).</summary>
    public string AssistantUserId { get; init; } = "assistant";

    /// <summary>assistant: the stand-in's base address (the server's <c>Assistant:Providers:0:Endpoint</c>), called directly for the reference.</summary>
    public Uri? StandIn { get; init; }

    /// <summary>assistant: the model named in the direct requests (the server's <c>Assistant:Providers:0:Model</c>).</summary>
    public string Model { get; init; } = "stand-in";

    /// <summary>assistant: how the stand-in was started (<c>50 chunks at 50/s</c>), for the record only.</summary>
    public string StandInShape { get; init; } = "50 chunks at 50/s";

    /// <summary>assistant: seconds to wait for every reply once the messages are sent.</summary>
    public double ReplyTimeoutSeconds { get; init; } = 120;

    /// <summary>Message content size in characters.</summary>
    public int ContentLength { get; init; } = 64;

    /// <summary>Prefix of user ids, so runs against the same server keep apart.</summary>
    public string RunId { get; init; } = Guid.NewGuid().ToString("N")[..8];

    /// <summary>Where to write the result as JSON.</summary>
    public string? Json { get; init; }

    public static LoadOptions Parse(IReadOnlyList<string> args)
    {
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < args.Count; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Count)
            {
                throw new ArgumentException($"expected --name value, got '{args[i]}'");
            }

            values[args[i][2..]] = args[++i];
        }

        var o = new LoadOptions();
        string? Take(string name) => values.Remove(name, out var v) ? v : null;
        int Int(string name, int fallback) => Take(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
        double Double(string name, double fallback) => Take(name) is { } v ? double.Parse(v, CultureInfo.InvariantCulture) : fallback;

        o = o with
        {
            Scenario = Take("scenario") ?? o.Scenario,
            Target = Take("target") ?? o.Target,
            Url = Take("url") is { } url ? new Uri(url) : o.Url,
            Receivers = Take("receivers") ?? o.Receivers,
            SigningKey = Take("signing-key") ?? Environment.GetEnvironmentVariable("LOADGEN_SIGNING_KEY"),
            ServerPid = Take("server-pid") is { } pid ? int.Parse(pid, CultureInfo.InvariantCulture) : null,
            Cpu = Take("cpu") is { } cpu ? NamedPid.ParseList(cpu) : o.Cpu,
            TargetName = Take("target-name"),
            SourceAddresses = Int("source-addresses", o.SourceAddresses),
            SourceAddressOffset = Int("source-address-offset", o.SourceAddressOffset),
            Processes = Int("processes", o.Processes),
            Worker = Take("worker") is { } w ? int.Parse(w, CultureInfo.InvariantCulture) : null,
            Connections = Int("connections", o.Connections),
            ConnectConcurrency = Int("connect-concurrency", o.ConnectConcurrency),
            HoldSeconds = Double("hold", o.HoldSeconds),
            HeartbeatSeconds = Double("heartbeat", o.HeartbeatSeconds),
            Chats = Int("chats", o.Chats),
            Members = Int("members", o.Members),
            Pairs = Int("pairs", o.Pairs),
            Requests = Int("requests", o.Requests),
            Rate = Double("rate", o.Rate),
            DurationSeconds = Double("duration", o.DurationSeconds),
            WarmupSeconds = Double("warmup", o.WarmupSeconds),
            MaxInFlight = Int("max-in-flight", o.MaxInFlight),
            Mix = Take("mix") is { } mix ? TrafficMix.Parse(mix) : o.Mix,
            Users = Int("users", o.Users),
            WarmupJobs = Int("warmup-jobs", o.WarmupJobs),
            AssistantChat = Take("assistant-chat") ?? o.AssistantChat,
            AssistantUserId = Take("assistant-user") ?? o.AssistantUserId,
            StandIn = Take("stand-in") is { } standIn ? new Uri(standIn) : null,
            Model = Take("model") ?? o.Model,
            StandInShape = Take("stand-in-shape") ?? o.StandInShape,
            ReplyTimeoutSeconds = Double("reply-timeout", o.ReplyTimeoutSeconds),
            ContentLength = Int("content-length", o.ContentLength),
            RunId = Take("run-id") ?? o.RunId,
            Json = Take("json"),
        };

        if (values.Count > 0)
        {
            throw new ArgumentException($"unknown options: {string.Join(", ", values.Keys.Select(k => "--" + k))}");
        }

        if (o.Receivers is not ("websocket" or "sse") || (o.Receivers == "sse" && (o.Scenario != "fanout" || o.Target != "orleanschat")))
        {
            throw new ArgumentException($"--receivers is websocket or sse, and sse needs --scenario fanout --target orleanschat");
        }

        if (o.Scenario == "assistant" && (o.Target != "orleanschat" || o.StandIn is null || o.AssistantChat is not ("direct" or "group")))
        {
            throw new ArgumentException("--scenario assistant needs --target orleanschat, --stand-in http://127.0.0.1:<port>/v1 and --assistant-chat direct or group");
        }

        // Only OrleansChat stores changes, and only the direct scenario has a peer's texts to react to.
        if (!o.Mix.IsPlain && (o.Scenario != "direct" || o.Target != "orleanschat"))
        {
            throw new ArgumentException($"--mix {o.Mix} needs --scenario direct --target orleanschat");
        }

        return o;
    }
}
