namespace OrleansChat.Grains.Assistant.Providers;

/// <summary>Where a provider's key comes from: <c>ApiKey</c>, or the file <c>ApiKeyFile</c> names (a mounted secret).</summary>
internal static class ProviderKeys
{
    public static string? Read(AssistantProviderOptions provider) =>
        provider.ApiKeyFile is { Length: > 0 } file ? File.ReadAllText(file).Trim() : provider.ApiKey;

    /// <summary>Why the file cannot serve as a key, or null when it can. The reason never holds the file's content.</summary>
    public static string? CannotRead(string file)
    {
        try
        {
            return File.ReadAllText(file).Trim().Length == 0 ? "it is empty." : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return e.Message;
        }
    }
}
