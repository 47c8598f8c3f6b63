using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace OrleansChat.PushWorker.Senders;

/// <summary>A compact JWT signed with ES256 (ECDSA P-256, SHA-256, the signature as r || s): APNs and VAPID both use it.</summary>
internal static class Es256Jwt
{
    public static string Create(IReadOnlyDictionary<string, object> header, IReadOnlyDictionary<string, object> claims, ECDsa key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var signingInput = $"{Encode(header)}.{Encode(claims)}";
        var signature = key.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return $"{signingInput}.{Base64Url.EncodeToString(signature)}";
    }

    private static string Encode(IReadOnlyDictionary<string, object> part) =>
        Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(part));
}
