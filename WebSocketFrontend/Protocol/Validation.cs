namespace OrleansChat.Gateway.Protocol;

/// <summary>Shape rules shared by the WebSocket and REST edges.</summary>
public static class Validation
{
    public const int MaxDeviceTokenLength = 4096;

    /// <summary>Checks a send's client message id and content (PROTOCOL.md 1 and 3.2) by the rules the room applies too.</summary>
    public static void CheckSend(string clientMsgId, string content)
    {
        if (SendRules.Check(clientMsgId, content) is { } broken)
        {
            throw new ProtocolException(ProtocolErrors.FromChat(broken.Code, broken.Message));
        }
    }
}
