using System.Text.Json;

namespace OrleansChat.Gateway.Protocol;

/// <summary>Shape rules shared by the WebSocket and REST edges.</summary>
public static class Validation
{
    public const int MaxDeviceTokenLength = 4096;

    /// <summary>The kind named by a send (text when absent), or a <c>bad_request</c> for one not listed in PROTOCOL.md 6.1.</summary>
    public static SendKind ParseKind(string? kind) =>
        SendKinds.Parse(kind) ?? throw new ProtocolException(ProtocolError.BadRequest("kind must be text, edit, delete or reaction."));

    /// <summary>Checks a send or change by the shape rules of PROTOCOL.md 6.1, which the room applies too.</summary>
    public static SendCommand CheckSend(
        string userId, SendKind kind, string clientMsgId, string? content, long? target, long? replyTo, bool remove, IReadOnlyList<string> attachments)
    {
        if (SendRules.Check(kind, clientMsgId, content, target, replyTo, attachments) is { } broken)
        {
            throw new ProtocolException(ProtocolErrors.FromChat(broken.Code, broken.Message));
        }

        return new SendCommand(userId, clientMsgId, content ?? "")
        {
            Kind = kind,
            Target = target,
            ReplyTo = replyTo,
            Remove = kind == SendKind.Reaction && remove,
            Attachments = attachments,
        };
    }

    /// <summary>Whether a send's content may be left out: a delete has none, and a text with attachments may have none (PROTOCOL.md 7).</summary>
    public static bool ContentIsOptional(SendKind kind, IReadOnlyList<string> attachments) =>
        kind == SendKind.Delete || attachments.Count > 0;

    /// <summary>The strings of a JSON array, or null when it is not an array of strings.</summary>
    public static string[]? Strings(JsonElement array)
    {
        if (array.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        var strings = new string[array.GetArrayLength()];
        var i = 0;
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String)
            {
                return null;
            }

            strings[i++] = item.GetString()!;
        }

        return strings;
    }
}
