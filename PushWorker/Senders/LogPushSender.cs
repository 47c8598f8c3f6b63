using Microsoft.Extensions.Logging;

namespace OrleansChat.PushWorker.Senders;

/// <summary>The development sender: every notification is a log line, and always delivered.</summary>
internal sealed partial class LogPushSender(ILogger<LogPushSender> logger) : IPushSender
{
    public bool Supports(DevicePlatform platform) => true;

    public Task<PushResult> SendAsync(PushNotification notification, Device device, CancellationToken cancellationToken)
    {
        LogPush(device.Platform, device.DeviceId, notification.RecipientId, notification.ChatId, notification.Seq, notification.SenderId, notification.Preview);
        return Task.FromResult(PushResult.Delivered);
    }

    [LoggerMessage(
        Level = LogLevel.Information,
        Message = "Push ({Platform}) to device {DeviceId} of {RecipientId}: chat {ChatId} seq {Seq} from {SenderId}: {Preview}")]
    private partial void LogPush(DevicePlatform platform, string deviceId, string recipientId, string chatId, long seq, string senderId, string preview);
}
