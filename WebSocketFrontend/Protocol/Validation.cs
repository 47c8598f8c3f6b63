namespace OrleansChat.Gateway.Protocol;

/// <summary>Shape rules shared by the WebSocket and REST edges.</summary>
public static class Validation
{
    public const int MaxDeviceTokenLength = 4096;

    /// <summary>Checks a send's client message id and content (PROTOCOL.md 1 and 3.2).</summary>
    public static void CheckSend(string clientMsgId, string content)
    {
        if (!Identifiers.IsValidClientMsgId(clientMsgId))
        {
            throw new ProtocolException(ProtocolError.BadRequest($"clientMsgId must be 1 to {Identifiers.MaxClientMsgIdLength} characters."));
        }

        if (content.Length == 0)
        {
            throw new ProtocolException(ProtocolError.BadRequest("content must not be empty."));
        }

        if (!OrleansChat.Protocol.IsWithinLength(content, OrleansChat.Protocol.MaxContentLength))
        {
            throw new ProtocolException(ProtocolError.TooLarge($"content is longer than {OrleansChat.Protocol.MaxContentLength} characters."));
        }
    }
}
