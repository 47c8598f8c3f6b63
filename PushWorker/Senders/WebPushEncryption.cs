using System.Buffers.Binary;
using System.Security.Cryptography;

namespace OrleansChat.PushWorker.Senders;

/// <summary>
/// Message encryption for Web Push (RFC 8291) in the <c>aes128gcm</c> content coding (RFC 8188), as one record:
/// ECDH P-256 between a fresh application-server key and the browser's <c>p256dh</c>, HKDF-SHA-256 with the
/// browser's <c>auth</c> secret, AES-128-GCM.
/// </summary>
public static class WebPushEncryption
{
    public const int RecordSize = 4096;

    private const int TagLength = 16;
    private const int KeyLength = 65;

    /// <summary>Encrypts with a fresh application-server key pair and a random salt.</summary>
    public static byte[] Encrypt(ReadOnlySpan<byte> plaintext, byte[] userAgentPublicKey, byte[] authSecret)
    {
        using var applicationServerKey = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        return Encrypt(plaintext, userAgentPublicKey, authSecret, applicationServerKey, RandomNumberGenerator.GetBytes(16));
    }

    /// <summary>Encrypts with the given key pair and salt (RFC 8291's worked example fixes both).</summary>
    public static byte[] Encrypt(ReadOnlySpan<byte> plaintext, byte[] userAgentPublicKey, byte[] authSecret, ECDiffieHellman applicationServerKey, byte[] salt)
    {
        ArgumentNullException.ThrowIfNull(userAgentPublicKey);
        ArgumentNullException.ThrowIfNull(authSecret);
        ArgumentNullException.ThrowIfNull(applicationServerKey);
        ArgumentNullException.ThrowIfNull(salt);
        if (userAgentPublicKey.Length != KeyLength || userAgentPublicKey[0] != 0x04)
        {
            throw new ArgumentException("The user agent's key must be an uncompressed P-256 point (65 bytes).", nameof(userAgentPublicKey));
        }

        if (salt.Length != 16)
        {
            throw new ArgumentException("The salt must be 16 bytes.", nameof(salt));
        }

        // One record holds the plaintext, its delimiter and the tag.
        if (plaintext.Length + 1 + TagLength > RecordSize)
        {
            throw new ArgumentException($"The payload must be under {RecordSize - 1 - TagLength} bytes.", nameof(plaintext));
        }

        var applicationServerPublicKey = PublicKeyBytes(applicationServerKey);
        using var userAgentKey = ImportPublicKey(userAgentPublicKey);
        var ecdhSecret = applicationServerKey.DeriveRawSecretAgreement(userAgentKey.PublicKey);

        // RFC 8291 3.3: IKM = HKDF(auth_secret, ecdh_secret, "WebPush: info" || 0x00 || ua_public || as_public, 32).
        byte[] keyInfo = [.. "WebPush: info\0"u8, .. userAgentPublicKey, .. applicationServerPublicKey];
        var ikm = HKDF.DeriveKey(HashAlgorithmName.SHA256, ecdhSecret, 32, authSecret, keyInfo);

        // RFC 8188 2.2 and 2.3: the content-encryption key and the nonce of the only record (sequence number 0).
        var prk = HKDF.Extract(HashAlgorithmName.SHA256, ikm, salt);
        var cek = HKDF.Expand(HashAlgorithmName.SHA256, prk, 16, "Content-Encoding: aes128gcm\0"u8.ToArray());
        var nonce = HKDF.Expand(HashAlgorithmName.SHA256, prk, 12, "Content-Encoding: nonce\0"u8.ToArray());

        byte[] record = [.. plaintext, 0x02];
        var ciphertext = new byte[record.Length];
        var tag = new byte[TagLength];
        using (var aes = new AesGcm(cek, TagLength))
        {
            aes.Encrypt(nonce, record, ciphertext, tag);
        }

        // Header: salt (16) || record size (4, big-endian) || key id length (1) || key id (the server's public key).
        var header = new byte[16 + 4 + 1 + KeyLength];
        salt.CopyTo(header, 0);
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(16), RecordSize);
        header[20] = KeyLength;
        applicationServerPublicKey.CopyTo(header, 21);
        return [.. header, .. ciphertext, .. tag];
    }

    /// <summary>A P-256 key as its uncompressed point: 0x04 || X || Y.</summary>
    public static byte[] PublicKeyBytes(ECAlgorithm key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var point = key.ExportParameters(includePrivateParameters: false).Q;
        return [0x04, .. point.X!, .. point.Y!];
    }

    public static ECDiffieHellman ImportPublicKey(byte[] uncompressedPoint)
    {
        ArgumentNullException.ThrowIfNull(uncompressedPoint);
        return ECDiffieHellman.Create(new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            Q = new ECPoint { X = uncompressedPoint[1..33], Y = uncompressedPoint[33..65] },
        });
    }

    /// <summary>A P-256 private key from its scalar and public point (both as Web Push and VAPID carry them).</summary>
    public static ECParameters PrivateKeyParameters(byte[] privateKey, byte[] publicKey)
    {
        ArgumentNullException.ThrowIfNull(privateKey);
        ArgumentNullException.ThrowIfNull(publicKey);
        return new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            D = privateKey,
            Q = new ECPoint { X = publicKey[1..33], Y = publicKey[33..65] },
        };
    }
}
