using System.Text.Json;
using System.Text.RegularExpressions;

namespace OrleansChat.DeploymentTests;

/// <summary>One log entry as a process wrote it: by the JSON console formatter or the simple one.</summary>
internal sealed record LogEntry(string Level, string Category, string Text);

internal static partial class LogEntries
{
    private static readonly Dictionary<string, string> ShortLevels = new(StringComparer.Ordinal)
    {
        ["trce"] = "Trace", ["dbug"] = "Debug", ["info"] = "Information",
        ["warn"] = "Warning", ["fail"] = "Error", ["crit"] = "Critical",
    };

    public static IReadOnlyList<LogEntry> Parse(IReadOnlyList<string> lines)
    {
        var entries = new List<LogEntry>();
        foreach (var line in lines)
        {
            if (line.StartsWith('{') && TryJson(line) is { } json)
            {
                entries.Add(json);
            }
            else if (SimpleHeader().Match(line) is { Success: true } header)
            {
                entries.Add(new LogEntry(ShortLevels[header.Groups["level"].Value], header.Groups["category"].Value, line));
            }
            else if (entries.Count > 0 && line.StartsWith(' '))
            {
                // The simple formatter writes the message on the lines after the header.
                entries[^1] = entries[^1] with { Text = entries[^1].Text + "\n" + line.Trim() };
            }
        }

        return entries;
    }

    private static LogEntry? TryJson(string line)
    {
        try
        {
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            return root.TryGetProperty("LogLevel", out var level) && root.TryGetProperty("Category", out var category)
                ? new LogEntry(level.GetString() ?? "", category.GetString() ?? "", line)
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    [GeneratedRegex(@"^(?<level>trce|dbug|info|warn|fail|crit): (?<category>[^\[]+)\[")]
    private static partial Regex SimpleHeader();
}
