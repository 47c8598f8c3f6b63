using System.Globalization;
using System.Text;
using OrleansChat.Persistence;

namespace OrleansChat.Grains.Assistant.Providers.Builtin;

/// <summary>The built-in provider's words.</summary>
internal static class BuiltinAnswers
{
    public const int SearchHits = 5;

    public const string NoModel =
        "No language model is configured on this server, so I can only help, summarise and search. "
        + "To connect one, set Assistant:Providers:0:Kind (OpenAI for any OpenAI-compatible server such as Ollama, vLLM or "
        + "llama.cpp, or Anthropic), Assistant:Providers:0:Endpoint (e.g. http://localhost:11434/v1), "
        + "Assistant:Providers:0:Model and Assistant:Providers:0:ApiKey or Assistant:Providers:0:ApiKeyFile "
        + "(as environment variables: Assistant__Providers__0__Kind and so on), then restart the server. "
        + "Say help to see what I can do now.";

    public const string NoSearch = "Search is not available on this server: its message store does not offer it.";

    /// <summary>The prompt without the mention that brought it to the assistant in a group.</summary>
    public static string Command(string text, string assistantId)
    {
        var prompt = text.Trim();
        var mention = "@" + assistantId;
        if (prompt.StartsWith(mention, StringComparison.OrdinalIgnoreCase))
        {
            prompt = prompt[mention.Length..].TrimStart(' ', ',', ':', '\t', '\n');
        }

        return prompt;
    }

    public static string Help(string assistantId) =>
        $"I am {assistantId}, the built-in assistant. I can do three things without a language model: "
        + "help shows this; summarise (or summarize) picks the most informative sentences of the recent messages "
        + "with their authors; search <words> finds messages of this chat that hold those words. "
        + "For anything else a language model has to be configured (Assistant:Providers in the server's configuration).";

    public static string SearchUsage(string assistantId) => $"Say search followed by the words to look for, e.g. @{assistantId} search deploy.";

    public static string SearchResults(string words, IReadOnlyList<StoredMessage> hits)
    {
        if (hits.Count == 0)
        {
            return $"No message of this chat holds \"{words}\".";
        }

        var answer = new StringBuilder(hits.Count == 1 ? $"1 message holds \"{words}\":" : $"{hits.Count} messages hold \"{words}\" (newest first):");
        foreach (var hit in hits)
        {
            answer.Append(CultureInfo.InvariantCulture, $"\n- {hit.SenderId} at {hit.SentAt.UtcDateTime:yyyy-MM-dd HH:mm} UTC: {hit.Content}");
        }

        return answer.ToString();
    }
}
