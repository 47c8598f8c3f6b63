using OrleansChat.LoadGen.Scenarios;
using OrleansChat.LoadGen.Targets;

namespace OrleansChat.LoadGen;

/// <summary>Picks the target adapter and the scenario from the options and runs it.</summary>
public static class LoadRunner
{
    public static async Task<ScenarioResult> RunAsync(LoadOptions options, CancellationToken cancellationToken)
    {
        using var sources = new SourceAddresses(options.SourceAddresses, options.SourceAddressOffset);
        await using ITarget target = options.Target switch
        {
            "orleanschat" => new OrleansChatTarget(options.Url, options.SigningKey, sources, options.ServerPid, receiversOnEvents: options.Receivers == "sse"),
            "signalr" => new SignalRTarget(options.Url, sources, options.ServerPid),
            "websocket" => new WebSocketPeerTarget(options.Url, sources, options.ServerPid),
            _ => throw new ArgumentException($"unknown target {options.Target}: orleanschat, signalr or websocket"),
        };
        var result = options.Scenario switch
        {
            "connections" when options.Processes > 1 && options.Worker is null => await ConnectionsScenario.CoordinateAsync(options, target, cancellationToken),
            "connections" => await ConnectionsScenario.RunAsync(options, target, cancellationToken),
            "fanout" => await FanoutScenario.RunAsync(options, target, cancellationToken),
            "direct" => await DirectScenario.RunAsync(options, target, cancellationToken),
            "chatlist" => await ChatListScenario.RunAsync(options, target, cancellationToken),
            "assistant" => await Assistant.AssistantScenario.RunAsync(options, target, cancellationToken),
            _ => throw new ArgumentException($"unknown scenario {options.Scenario}: connections, fanout, direct, chatlist or assistant"),
        };
        return options.TargetName is { } name ? result with { Target = name } : result;
    }
}
