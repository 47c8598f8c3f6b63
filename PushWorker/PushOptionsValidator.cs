using System.Buffers.Text;
using Microsoft.Extensions.Options;

namespace OrleansChat.PushWorker;

/// <summary>Checks <see cref="PushOptions"/> at start, including the settings of the chosen sender.</summary>
internal sealed class PushOptionsValidator : IValidateOptions<PushOptions>
{
    public ValidateOptionsResult Validate(string? name, PushOptions options)
    {
        var failures = new List<string>();
        void Require(bool condition, string failure)
        {
            if (!condition)
            {
                failures.Add(failure);
            }
        }

        Require(Enum.IsDefined(options.Sender), "Push:Sender must be Log, Fcm, Apns or WebPush.");
        Require(options.BatchSize is >= 1 and <= 1000, "Push:BatchSize must be between 1 and 1000.");
        Require(options.MaxConcurrentSends >= 1, "Push:MaxConcurrentSends must be at least 1.");
        Require(options.MaxAttempts >= 1, "Push:MaxAttempts must be at least 1.");
        Require(options.PollInterval > TimeSpan.Zero, "Push:PollInterval must be positive.");
        Require(options.SendTimeout > TimeSpan.Zero, "Push:SendTimeout must be positive.");
        Require(options.ClaimLease >= 2 * options.SendTimeout, "Push:ClaimLease must be at least twice Push:SendTimeout.");
        Require(options.InitialBackoff > TimeSpan.Zero, "Push:InitialBackoff must be positive.");
        Require(options.MaxBackoff >= options.InitialBackoff, "Push:MaxBackoff must not be less than Push:InitialBackoff.");

        switch (options.Sender)
        {
            case PushSenderKind.Fcm:
                Require(FileExists(options.Fcm.CredentialsFile), "Push:Fcm:CredentialsFile must name an existing service-account JSON file.");
                Require(options.Fcm.Endpoint.IsAbsoluteUri, "Push:Fcm:Endpoint must be an absolute URI.");
                break;
            case PushSenderKind.Apns:
                Require(FileExists(options.Apns.KeyFile), "Push:Apns:KeyFile must name an existing .p8 key file.");
                Require(!string.IsNullOrWhiteSpace(options.Apns.KeyId), "Push:Apns:KeyId is required.");
                Require(!string.IsNullOrWhiteSpace(options.Apns.TeamId), "Push:Apns:TeamId is required.");
                Require(!string.IsNullOrWhiteSpace(options.Apns.Topic), "Push:Apns:Topic (the app's bundle id) is required.");
                Require(options.Apns.Endpoint.IsAbsoluteUri, "Push:Apns:Endpoint must be an absolute URI.");
                break;
            case PushSenderKind.WebPush:
                Require(
                    options.WebPush.Subject is { } subject && (subject.StartsWith("mailto:", StringComparison.Ordinal) || subject.StartsWith("https:", StringComparison.Ordinal)),
                    "Push:WebPush:Subject must be a mailto: or https: URI.");
                Require(DecodedLength(options.WebPush.PublicKey) == 65, "Push:WebPush:PublicKey must be a base64url uncompressed P-256 point (65 bytes).");
                Require(DecodedLength(options.WebPush.PrivateKey) == 32, "Push:WebPush:PrivateKey must be a base64url P-256 private key (32 bytes).");
                Require(options.WebPush.TimeToLive >= TimeSpan.Zero, "Push:WebPush:TimeToLive must not be negative.");
                break;
            case PushSenderKind.Log:
            default:
                break;
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static bool FileExists(string? path) => !string.IsNullOrWhiteSpace(path) && File.Exists(path);

    private static int DecodedLength(string? base64Url)
    {
        if (string.IsNullOrWhiteSpace(base64Url))
        {
            return -1;
        }

        try
        {
            return Base64Url.DecodeFromChars(base64Url).Length;
        }
        catch (FormatException)
        {
            return -1;
        }
    }
}
