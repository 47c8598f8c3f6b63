using System.Text.Json;
using Google.Apis.Auth.OAuth2;

namespace OrleansChat.PushWorker.Senders;

/// <summary>
/// OAuth2 access tokens for FCM from a service-account JSON key file, through Google.Apis.Auth: a JWT signed
/// with the account's key is exchanged at the file's <c>token_uri</c>, and the token is cached until it expires.
/// </summary>
internal sealed class FcmCredentials : IDisposable
{
    public const string Scope = "https://www.googleapis.com/auth/firebase.messaging";

    private readonly ServiceAccountCredential _credential;
    private readonly SemaphoreSlim _refresh = new(1, 1);

    public FcmCredentials(FcmOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var path = options.CredentialsFile ?? throw new InvalidOperationException("Push:Fcm:CredentialsFile is not set.");
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        var root = document.RootElement;
        string Read(string name) =>
            root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text
                ? text
                : throw new InvalidOperationException($"The service-account file {path} has no \"{name}\".");

        if (Read("type") != "service_account")
        {
            throw new InvalidOperationException($"The file {path} is not a service-account key (its \"type\" is not \"service_account\").");
        }

        var initializer = new ServiceAccountCredential.Initializer(Read("client_email"), Read("token_uri"))
        {
            Scopes = [Scope],
            KeyId = root.TryGetProperty("private_key_id", out var keyId) ? keyId.GetString() : null,
        }.FromPrivateKey(Read("private_key"));
        _credential = new ServiceAccountCredential(initializer);
        ProjectId = string.IsNullOrWhiteSpace(options.ProjectId) ? Read("project_id") : options.ProjectId;
    }

    /// <summary>The Firebase project: <c>Push:Fcm:ProjectId</c>, else the file's <c>project_id</c>.</summary>
    public string ProjectId { get; }

    /// <summary>The cached token, or a new one when it is missing or about to expire.</summary>
    public Task<string> GetAccessTokenAsync(CancellationToken cancellationToken) =>
        _credential.GetAccessTokenForRequestAsync(cancellationToken: cancellationToken);

    /// <summary>
    /// A new token after FCM refused <paramref name="rejected"/>; sends that found the same token refused at the
    /// same time share one refresh.
    /// </summary>
    public async Task<string> RefreshAsync(string rejected, CancellationToken cancellationToken)
    {
        await _refresh.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_credential.Token?.AccessToken is { } current && current != rejected)
            {
                return current;
            }

            await _credential.RequestAccessTokenAsync(cancellationToken).ConfigureAwait(false);
            return _credential.Token?.AccessToken ?? throw new InvalidOperationException("The token endpoint returned no access token.");
        }
        finally
        {
            _refresh.Release();
        }
    }

    public void Dispose() => _refresh.Dispose();
}
