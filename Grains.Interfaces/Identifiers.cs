using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace OrleansChat;

/// <summary>The identity rules of PROTOCOL.md section 1.</summary>
public static class Identifiers
{
    public const int MaxUserIdLength = 64;
    public const int MaxChatIdLength = 100;
    public const int MaxClientMsgIdLength = 64;

    private static readonly SearchValues<char> UserIdChars =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-@");

    private static readonly SearchValues<char> ChatIdChars =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-:");

    public static bool IsValidUserId(string? value) =>
        value is { Length: > 0 and <= MaxUserIdLength } && !value.AsSpan().ContainsAnyExcept(UserIdChars);

    public static bool IsValidChatId(string? value) =>
        value is { Length: > 0 and <= MaxChatIdLength } && !value.AsSpan().ContainsAnyExcept(ChatIdChars);

    public static bool IsValidClientMsgId(string? value) =>
        value is { Length: > 0 } && ProtocolLimits.IsWithinLength(value, MaxClientMsgIdLength);

    /// <summary>A new group chat id: <c>g:</c> and a time-ordered UUID.</summary>
    public static string NewGroupChatId(TimeProvider time) => "g:" + Guid.CreateVersion7(time.GetUtcNow()).ToString("N");

    /// <summary>
    /// The direct chat of two users: the same for both, whichever asks. User ids may hold characters a chat id
    /// may not (<c>@</c>) and two of them may be longer than a chat id, so the id is a hash of the ordered pair.
    /// </summary>
    public static string DirectChatId(string userA, string userB)
    {
        var (first, second) = string.CompareOrdinal(userA, userB) <= 0 ? (userA, userB) : (userB, userA);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(first + "\n" + second));
        return "d:" + Convert.ToHexStringLower(hash.AsSpan(0, 16));
    }
}
