namespace OrleansChat.Grains.Assistant.Providers;

/// <summary>The values <c>Assistant:Providers:N:Kind</c> may take.</summary>
public static class ProviderKinds
{
    public const string OpenAI = "OpenAI";
    public const string Anthropic = "Anthropic";
    public const string Builtin = "Builtin";

    public static readonly IReadOnlyList<string> All = [OpenAI, Anthropic, Builtin];

    /// <summary>The kind as written in <see cref="All"/>, whatever the case it was configured in; null when unknown.</summary>
    public static string? Normalize(string? kind) =>
        All.FirstOrDefault(k => string.Equals(k, kind?.Trim(), StringComparison.OrdinalIgnoreCase));
}
