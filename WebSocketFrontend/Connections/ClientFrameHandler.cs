using Microsoft.Extensions.Logging;
using OrleansChat.Gateway.Protocol;
using OrleansChat.Gateway.Rest;

namespace OrleansChat.Gateway.Connections;

/// <summary>
/// Translates one connection's client frames (PROTOCOL.md 3.2): a frame becomes a typed command, the command
/// one grain call, the result one frame. A send does not hold up the frames after it: it goes through the
/// connection's <see cref="SendPipeline"/> and is acked when stored. Replies still come in frame order: acks in the
/// pipeline's answer order, and every other reply (errors included) after the acks of the sends before it.
/// Shape is checked here; rules are the grains'. Nothing here knows the framing the frames came in.
/// </summary>
internal sealed class ClientFrameHandler(
    ChatConnection connection,
    SendPipeline sends,
    ConnectionRegistry registry,
    IGrainFactory grains,
    SendRateLimiter rateLimiter,
    TokenBucket frameLimit,
    GatewayMetrics metrics,
    ILogger logger)
{
    private string UserId => connection.UserId;

    public async Task HandleAsync(ReadOnlyMemory<byte> payload, bool isText)
    {
        // Every frame counts, binary and malformed ones included (PROTOCOL.md 3.4).
        if (!frameLimit.TryTake(out var retryAfter))
        {
            metrics.RateLimited();
            await SendErrorAsync(ProtocolError.RateLimited(retryAfter, "Too many frames; retry after the delay."), isText ? ClientFrame.RefOf(payload) : null);
            return;
        }

        if (!isText)
        {
            await SendErrorAsync(ProtocolError.BadRequest("Frames are UTF-8 JSON text."), null);
            return;
        }

        string? reference = null;
        try
        {
            using var frame = ClientFrame.Parse(payload);
            using var activity = Tracing.StartFrame(frame.Type);
            reference = frame.Ref;
            if (frame.Type == "send")
            {
                await SendAsync(frame);
                return;
            }

            // Sends overlap only each other: any other frame is handled once the sends before it are answered, so
            // its reply (a pong, a sync) comes after their acks and sees what they stored.
            await sends.AnsweredAsync();
            switch (frame.Type)
            {
                case "sync":
                    await SyncAsync(frame);
                    break;
                case "typing":
                    await TypingAsync(frame);
                    break;
                case "read":
                    await Room(frame.ChatId()).MarkRead(UserId, frame.RequiredInt64("seq"));
                    break;
                case "delivered":
                    await Room(frame.ChatId()).MarkDelivered(UserId, frame.RequiredInt64("seq"));
                    break;
                case "watch_presence":
                    await WatchPresenceAsync(frame);
                    break;
                case "cancel":
                    await CancelAsync(frame);
                    break;
                case "ping":
                    connection.Enqueue(Frames.Pong(frame.Ref));
                    break;
                case null:
                    throw frame.BadRequest("A frame needs a string 'type'.");
                default:
                    throw frame.BadRequest($"Unknown frame type '{frame.Type}'.");
            }
        }
        catch (ProtocolException bad)
        {
            await SendErrorAsync(bad.Error, bad.Ref);
        }
        catch (Exception ex)
        {
            await SendErrorAsync(ProtocolErrors.From(ex, logger), reference);
        }
    }

    private async Task SendAsync(ClientFrame frame)
    {
        var chatId = frame.ChatId();
        var clientMsgId = frame.RequiredString("clientMsgId");
        SendCommand command;
        try
        {
            var kind = Validation.ParseKind(frame.OptionalString("kind"));
            var attachments = frame.OptionalStrings("attachments");
            var content = Validation.ContentIsOptional(kind, attachments) ? frame.OptionalString("content") : frame.RequiredString("content");
            command = Validation.CheckSend(
                UserId, kind, clientMsgId, content, frame.OptionalInteger("target"), frame.OptionalInteger("replyTo"), frame.OptionalBool("remove"), attachments);
        }
        catch (ProtocolException e)
        {
            throw new ProtocolException(e.Error, frame.Ref);
        }

        if (!rateLimiter.TryAcquire(UserId, out var retryAfter))
        {
            metrics.RateLimited();
            throw new ProtocolException(ProtocolError.RateLimited(retryAfter), frame.Ref);
        }

        // The ack comes later: the next frames are read while this send waits for its commit.
        await sends.SubmitAsync(chatId, frame.Ref, command);
    }

    private async Task SyncAsync(ClientFrame frame)
    {
        // The frame's limit is checked before its chats, as it always was: the first rule broken is the one answered.
        var limit = ChatSync.CheckLimit(frame.OptionalInt32("limit"), frame.BadRequest);
        var requests = ChatSync.Plan(
            frame.RequiredArray("chats").Select(chat => (frame.ChatIdIn(chat), frame.Int64In(chat, "afterSeq"), frame.Int32In(chat, "limit"))),
            limit,
            frame.BadRequest);

        var answered = new List<(string ChatId, long LastSeq, bool HasMore)>(requests.Count);
        foreach (var request in requests)
        {
            var chatId = request.ChatId;
            connection.Messages.BeginSync(chatId);
            var synced = new List<(long Seq, byte[] Frame)>();
            try
            {
                var page = await ChatSync.ReadAsync(grains, UserId, request);
                synced.AddRange(page.Messages.Select(m => (m.Seq, Frames.Message(m))));
                answered.Add((chatId, page.LastSeq, page.HasMore));
            }
            catch (Exception ex)
            {
                connection.Enqueue(Frames.Error(ProtocolErrors.From(ex, logger), frame.Ref, chatId));
            }
            finally
            {
                connection.Messages.EndSync(chatId, synced);
            }
        }

        connection.Enqueue(Frames.Synced(frame.Ref, answered));
    }

    private Task TypingAsync(ClientFrame frame)
    {
        var chatId = frame.ChatId();
        var typing = frame.RequiredString("state") switch
        {
            "start" => true,
            "stop" => false,
            _ => throw frame.BadRequest("state must be 'start' or 'stop'."),
        };
        return Room(chatId).SetTyping(UserId, typing);
    }

    private async Task WatchPresenceAsync(ClientFrame frame)
    {
        if (frame.ArrayLength("userIds") > ProtocolLimits.MaxWatchedUsers)
        {
            throw new ProtocolException(ProtocolError.TooLarge($"At most {ProtocolLimits.MaxWatchedUsers} userIds per watch_presence."), frame.Ref);
        }

        var userIds = new List<string>();
        foreach (var item in frame.RequiredArray("userIds"))
        {
            var userId = item.ValueKind == System.Text.Json.JsonValueKind.String ? item.GetString() : null;
            if (!Identifiers.IsValidUserId(userId))
            {
                throw frame.BadRequest("userIds must be user ids.");
            }

            userIds.Add(userId!);
        }

        var distinct = userIds.Distinct(StringComparer.Ordinal).ToList();
        if (!registry.TryReserveWatches(connection, distinct))
        {
            throw new ProtocolException(ProtocolError.TooLarge("This connection watches as many users as it may."), frame.Ref);
        }

        await Task.WhenAll(distinct.Select(u => registry.WatchAsync(connection, u, sendCurrent: true)));
    }

    /// <summary>Stops an assistant reply (PROTOCOL.md 9); a job of a chat the user is not in is as unknown as one that never was.</summary>
    private async Task CancelAsync(ClientFrame frame)
    {
        var jobId = frame.RequiredString("jobId");
        if (jobId.Length == 0)
        {
            throw frame.BadRequest("'jobId' must not be empty.");
        }

        if (await JobsApi.FindForMember(grains, UserId, jobId) is null)
        {
            throw new ProtocolException(JobsApi.NoSuchJob(jobId).Error, frame.Ref);
        }

        await grains.GetGrain<IAssistantJobGrain>(jobId).Cancel(UserId);
    }

    /// <summary>Answers with an error after the sends before the failed frame are answered, keeping replies in frame order.</summary>
    private async Task SendErrorAsync(ProtocolError error, string? reference)
    {
        await sends.AnsweredAsync();
        connection.Enqueue(Frames.Error(error, reference));
    }

    private IChatRoomGrain Room(string chatId) => grains.GetGrain<IChatRoomGrain>(chatId);
}
