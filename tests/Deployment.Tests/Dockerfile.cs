using System.Globalization;
using System.Text.Json;

namespace OrleansChat.DeploymentTests;

/// <summary>
/// What the final stage of a Dockerfile gives the process it starts: its working directory, its environment
/// (ENV, in order), the ports it exposes and its entrypoint. Only the instructions our Dockerfiles use are read.
/// </summary>
internal sealed class Dockerfile
{
    private Dockerfile(string workDirectory, IReadOnlyList<KeyValuePair<string, string>> environment, IReadOnlyList<int> exposed, IReadOnlyList<string> entrypoint)
    {
        WorkDirectory = workDirectory;
        Environment = environment;
        Exposed = exposed;
        Entrypoint = entrypoint;
    }

    public string WorkDirectory { get; }

    public IReadOnlyList<KeyValuePair<string, string>> Environment { get; }

    public IReadOnlyList<int> Exposed { get; }

    public IReadOnlyList<string> Entrypoint { get; }

    public static Dockerfile Load(string path)
    {
        var workDirectory = "/";
        var environment = new List<KeyValuePair<string, string>>();
        var exposed = new List<int>();
        IReadOnlyList<string> entrypoint = [];
        foreach (var (instruction, arguments) in Instructions(File.ReadAllText(path)))
        {
            switch (instruction)
            {
                case "FROM":
                    // A new stage: only the last one is the image.
                    workDirectory = "/";
                    environment.Clear();
                    exposed.Clear();
                    entrypoint = [];
                    break;
                case "WORKDIR":
                    workDirectory = arguments.StartsWith('/') ? arguments : Path.Combine(workDirectory, arguments);
                    break;
                case "ENV":
                    foreach (var pair in EnvironmentPairs(arguments))
                    {
                        environment.RemoveAll(p => p.Key == pair.Key);
                        environment.Add(pair);
                    }

                    break;
                case "EXPOSE":
                    exposed.AddRange(arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries)
                        .Select(p => int.Parse(p.Split('/')[0], CultureInfo.InvariantCulture)));
                    break;
                case "ENTRYPOINT":
                    entrypoint = JsonSerializer.Deserialize<string[]>(arguments)
                        ?? throw new InvalidDataException($"{path}: ENTRYPOINT must be an exec-form JSON array");
                    break;
            }
        }

        return new Dockerfile(workDirectory, environment, exposed, entrypoint);
    }

    private static IEnumerable<(string Instruction, string Arguments)> Instructions(string text)
    {
        var logical = text.Replace("\\\r\n", " ", StringComparison.Ordinal).Replace("\\\n", " ", StringComparison.Ordinal);
        foreach (var raw in logical.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var space = line.IndexOf(' ', StringComparison.Ordinal);
            yield return space < 0
                ? (line.ToUpperInvariant(), "")
                : (line[..space].ToUpperInvariant(), line[(space + 1)..].Trim());
        }
    }

    /// <summary><c>ENV A=1 B="two words"</c>, or the legacy <c>ENV A value with spaces</c>.</summary>
    private static IEnumerable<KeyValuePair<string, string>> EnvironmentPairs(string arguments)
    {
        var firstSpace = arguments.IndexOf(' ', StringComparison.Ordinal);
        var firstEquals = arguments.IndexOf('=', StringComparison.Ordinal);
        if (firstEquals < 0 || (firstSpace >= 0 && firstSpace < firstEquals))
        {
            yield return new(arguments[..firstSpace], Unquote(arguments[(firstSpace + 1)..].Trim()));
            yield break;
        }

        var position = 0;
        while (position < arguments.Length)
        {
            var equals = arguments.IndexOf('=', position);
            var key = arguments[position..equals].Trim();
            var end = equals + 1;
            if (end < arguments.Length && arguments[end] == '"')
            {
                end = arguments.IndexOf('"', end + 1) + 1;
            }
            else
            {
                end = arguments.IndexOf(' ', end) is var space and >= 0 ? space : arguments.Length;
            }

            yield return new(key, Unquote(arguments[(equals + 1)..end]));
            position = end;
            while (position < arguments.Length && arguments[position] == ' ')
            {
                position++;
            }
        }
    }

    private static string Unquote(string value) =>
        value.Length >= 2 && value[0] == '"' && value[^1] == '"' ? value[1..^1] : value;
}
