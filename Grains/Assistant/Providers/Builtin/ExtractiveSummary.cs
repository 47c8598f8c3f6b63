using System.Text;
using System.Text.RegularExpressions;

namespace OrleansChat.Grains.Assistant.Providers.Builtin;

/// <summary>
/// A summary made of the context's own sentences: each sentence scores the rarity (inverse sentence frequency) of its
/// distinct words, so small talk repeated across the chat scores low and the sentences that carry facts score high.
/// </summary>
internal static partial class ExtractiveSummary
{
    private const int Sentences = 3;

    public static string Of(IReadOnlyList<(string Author, string Text)> messages)
    {
        var sentences = messages
            .SelectMany((m, order) => SplitSentences(m.Text).Select(s => new Sentence(m.Author, s, order, WordsOf(s))))
            .Where(s => s.Words.Count > 0)
            .ToList();
        if (sentences.Count == 0)
        {
            return "There is nothing to summarise yet: this chat has no earlier messages.";
        }

        var frequency = sentences.SelectMany(s => s.Words).CountBy(w => w).ToDictionary();
        var chosen = sentences
            .Select((s, index) => (Sentence: s, Index: index, Score: s.Words.Sum(w => Math.Log((1.0 + sentences.Count) / frequency[w]))))
            .OrderByDescending(s => s.Score)
            .ThenBy(s => s.Index)
            .Take(Sentences)
            .OrderBy(s => s.Index);

        var summary = new StringBuilder($"The gist of the last {messages.Count} messages:");
        foreach (var (sentence, _, _) in chosen)
        {
            summary.Append('\n').Append("- ").Append(sentence.Author).Append(": ").Append(sentence.Text);
        }

        return summary.ToString();
    }

    private static IEnumerable<string> SplitSentences(string text) =>
        SentenceEnd().Split(text).Select(s => s.Trim()).Where(s => s.Length > 0);

    private static HashSet<string> WordsOf(string sentence) =>
        Word().Matches(sentence).Select(m => m.Value.ToLowerInvariant()).ToHashSet();

    [GeneratedRegex(@"(?<=[.!?])\s+|\n+")]
    private static partial Regex SentenceEnd();

    [GeneratedRegex(@"[\p{L}\p{N}]{2,}")]
    private static partial Regex Word();

    private sealed record Sentence(string Author, string Text, int Order, HashSet<string> Words);
}
