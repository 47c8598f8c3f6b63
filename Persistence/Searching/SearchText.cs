using System.Buffers;
using System.Text;

namespace OrleansChat.Persistence;

/// <summary>
/// Words as search sees them (PROTOCOL.md 8): runs of letters and digits, anything else separates them and is never
/// an operator, compared lowercase. Both stores index and query through this one definition, so what is found does not
/// depend on a database's tokenizer or locale.
/// </summary>
public static class SearchText
{
    /// <summary>
    /// Longer words are indexed by their first this many code points: one more than a query may hold (200), so a cut
    /// word never equals a query word but still starts with one. It keeps every lexeme under PostgreSQL's 2 KiB limit.
    /// </summary>
    public const int MaxIndexedWordLength = 201;

    /// <summary>The words of <paramref name="text"/>, lowercase, in order.</summary>
    public static IReadOnlyList<string> Words(string text)
    {
        var document = Document(text);
        return document.Length == 0 ? [] : document.Split(' ');
    }

    /// <summary>
    /// The words of <paramref name="content"/>, lowercase and cut to <see cref="MaxIndexedWordLength"/>, separated by
    /// single spaces: what the index holds for a text. One pass, one string.
    /// </summary>
    public static string Document(string content)
    {
        ArgumentNullException.ThrowIfNull(content);
        var buffer = ArrayPool<char>.Shared.Rent((content.Length * 2) + 2);
        try
        {
            var length = 0;
            var wordLength = 0;
            var index = 0;
            while (index < content.Length)
            {
                Rune.DecodeFromUtf16(content.AsSpan(index), out var rune, out var consumed);
                index += consumed;
                if (!Rune.IsLetterOrDigit(rune))
                {
                    wordLength = 0;
                    continue;
                }

                if (wordLength == 0 && length > 0)
                {
                    buffer[length++] = ' ';
                }

                if (wordLength++ < MaxIndexedWordLength)
                {
                    length += Rune.ToLowerInvariant(rune).EncodeToUtf16(buffer.AsSpan(length));
                }
            }

            return new string(buffer, 0, length);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(buffer);
        }
    }
}
