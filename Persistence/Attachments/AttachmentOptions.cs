using Microsoft.Extensions.Options;

namespace OrleansChat.Persistence.Attachments;

/// <summary>Uploads (PROTOCOL.md 7): how large, which types, how long an upload no message carries is kept.</summary>
public sealed class AttachmentOptions
{
    public const string SectionName = "Attachments";

    /// <summary>The types an upload may have, as sniffed from its bytes, when <see cref="AllowedTypes"/> is not configured.</summary>
    public static readonly IReadOnlyList<string> DefaultAllowedTypes =
        ["image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf", "text/plain"];

    /// <summary>The largest upload, in bytes; a larger one is refused while it streams and nothing of it is kept.</summary>
    public long MaxBytes { get; set; } = 25L * 1024 * 1024;

    /// <summary>
    /// The types uploads may have, decided from their bytes; empty means <see cref="DefaultAllowedTypes"/>. (A default
    /// written into the array would be kept in front of configured entries: the binder appends to arrays.)
    /// </summary>
    public string[] AllowedTypes { get; set; } = [];

    /// <summary>How long an upload that no message carries is kept.</summary>
    public TimeSpan OrphanTtl { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How often the silo looks for uploads older than <see cref="OrphanTtl"/> that no message carries.</summary>
    public TimeSpan CleanupInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// The most pixels an image may have: a small file can declare a huge canvas, and a thumbnail decodes all of it.
    /// </summary>
    public long MaxImagePixels { get; set; } = 50_000_000;

    /// <summary>The allowed types in force: the configured ones, or the defaults.</summary>
    public IReadOnlyList<string> EffectiveAllowedTypes => AllowedTypes.Length == 0 ? DefaultAllowedTypes : AllowedTypes;
}

/// <summary>Checks <see cref="AttachmentOptions"/> at start.</summary>
internal sealed class AttachmentOptionsValidator : IValidateOptions<AttachmentOptions>
{
    public ValidateOptionsResult Validate(string? name, AttachmentOptions options)
    {
        var failures = new List<string>();
        if (options.MaxBytes < 1)
        {
            failures.Add("Attachments:MaxBytes must be at least 1.");
        }

        foreach (var type in options.AllowedTypes.Where(t => !ContentSniffer.KnownTypes.Contains(t)))
        {
            failures.Add($"Attachments:AllowedTypes holds '{type}'; the types that can be told from the bytes are {string.Join(", ", ContentSniffer.KnownTypes)}.");
        }

        if (options.OrphanTtl <= TimeSpan.Zero)
        {
            failures.Add("Attachments:OrphanTtl must be positive.");
        }

        if (options.CleanupInterval <= TimeSpan.Zero)
        {
            failures.Add("Attachments:CleanupInterval must be positive.");
        }

        if (options.MaxImagePixels < 1)
        {
            failures.Add("Attachments:MaxImagePixels must be at least 1.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
