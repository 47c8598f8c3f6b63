using System.Globalization;
using System.Text.Json;

namespace OrleansChat.DeploymentTests;

/// <summary>One <c>COPY --from=stage source destination</c>: what an image takes from another stage.</summary>
internal sealed record StageCopy(string Stage, string Source, string Destination);

/// <summary>
/// What one target of a multi-stage Dockerfile (<c>docker build --target</c>) gives the process it starts: its
/// working directory, user, environment (ENV, in order), exposed ports, entrypoint and what it copies from other
/// stages, read through the stages it is built FROM as a builder would. Only the instructions our Dockerfile
/// uses are read.
/// </summary>
internal sealed class Dockerfile
{
    private string _workDirectory = "/";
    private string? _user;
    private readonly List<KeyValuePair<string, string>> _environment = [];
    private readonly List<int> _exposed = [];
    private IReadOnlyList<string> _entrypoint = [];
    private readonly List<StageCopy> _copies = [];

    private Dockerfile(string target, string baseImage)
    {
        Target = target;
        BaseImage = baseImage;
    }

    public string Target { get; }

    /// <summary>The image the target's first stage starts FROM.</summary>
    public string BaseImage { get; }

    public string WorkDirectory => _workDirectory;

    /// <summary>The USER the entrypoint runs as; null when the file leaves the base image's user.</summary>
    public string? User => _user;

    public IReadOnlyList<KeyValuePair<string, string>> Environment => _environment;

    public IReadOnlyList<int> Exposed => _exposed;

    public IReadOnlyList<string> Entrypoint => _entrypoint;

    public IReadOnlyList<StageCopy> Copies => _copies;

    public static Dockerfile Load(string path, string target)
    {
        var stages = DockerStage.Parse(path);
        var chain = new List<DockerStage>();
        for (var stage = Named(stages, target, path); stage is not null; stage = stages.SingleOrDefault(s => s.Name == stage.From))
        {
            chain.Insert(0, stage);
        }

        var image = new Dockerfile(target, chain[0].From);
        foreach (var (instruction, arguments) in chain.SelectMany(s => s.Instructions))
        {
            image.Apply(instruction, arguments, path);
        }

        return image;
    }

    private static DockerStage Named(IReadOnlyList<DockerStage> stages, string target, string path) =>
        stages.SingleOrDefault(s => s.Name == target) ?? throw new InvalidDataException($"{path} has no stage named {target}");

    private void Apply(string instruction, string arguments, string path)
    {
        switch (instruction)
        {
            case "WORKDIR":
                _workDirectory = arguments.StartsWith('/') ? arguments : Path.Combine(_workDirectory, arguments);
                break;
            case "USER":
                _user = arguments;
                break;
            case "ENV":
                foreach (var pair in EnvironmentPairs(arguments))
                {
                    _environment.RemoveAll(p => p.Key == pair.Key);
                    _environment.Add(pair);
                }

                break;
            case "EXPOSE":
                _exposed.AddRange(arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries)
                    .Select(p => int.Parse(p.Split('/')[0], CultureInfo.InvariantCulture)));
                break;
            case "ENTRYPOINT":
                _entrypoint = JsonSerializer.Deserialize<string[]>(arguments)
                    ?? throw new InvalidDataException($"{path}: ENTRYPOINT must be an exec-form JSON array");
                break;
            case "COPY" when arguments.StartsWith("--from=", StringComparison.Ordinal):
                var words = arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                _copies.Add(new StageCopy(words[0]["--from=".Length..], words[1], words[2]));
                break;
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

/// <summary>One stage of a Dockerfile: <c>FROM image-or-stage [AS name]</c> and its instructions, in order.</summary>
internal sealed record DockerStage(string From, string? Name, IReadOnlyList<(string Instruction, string Arguments)> Instructions)
{
    public static IReadOnlyList<DockerStage> Parse(string path)
    {
        var stages = new List<(string From, string? Name, List<(string, string)> Instructions)>();
        foreach (var (instruction, arguments) in Lines(File.ReadAllText(path)))
        {
            if (instruction == "FROM")
            {
                var words = arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                var named = words.Length == 3 && words[1].Equals("AS", StringComparison.OrdinalIgnoreCase);
                stages.Add((words[0], named ? words[2] : null, []));
            }
            else if (stages.Count == 0)
            {
                throw new InvalidDataException($"{path}: {instruction} before the first FROM");
            }
            else
            {
                stages[^1].Instructions.Add((instruction, arguments));
            }
        }

        return [.. stages.Select(s => new DockerStage(s.From, s.Name, s.Instructions))];
    }

    private static IEnumerable<(string Instruction, string Arguments)> Lines(string text)
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
}
