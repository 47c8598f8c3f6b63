using System.Globalization;

namespace OrleansChat.LoadGen.Mix;

/// <summary>What a sender sends, as PROTOCOL.md 6.1 calls it.</summary>
public enum TrafficKind
{
    Text,
    Edit,
    Reaction,
}

/// <summary>
/// The shares of texts, edits and reactions a direct sender sends (<c>--mix text=80,edit=10,reaction=10</c>). The
/// shares are weights: only their ratios count. The default is texts only, exactly the traffic of a run without
/// <c>--mix</c>.
/// </summary>
public sealed record TrafficMix(int Text, int Edit, int Reaction)
{
    public static readonly TrafficMix AllText = new(100, 0, 0);

    /// <summary>Whether every send is a text.</summary>
    public bool IsPlain => Edit == 0 && Reaction == 0;

    /// <summary>Reads <c>kind=weight,...</c>: kinds <c>text</c>, <c>edit</c>, <c>reaction</c>, each at most once, a kind left out weighs 0.</summary>
    public static TrafficMix Parse(string spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var weights = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var part in spec.Split(',', StringSplitOptions.TrimEntries))
        {
            var pair = part.Split('=', StringSplitOptions.TrimEntries);
            if (pair.Length != 2 || pair[0] is not ("text" or "edit" or "reaction"))
            {
                throw new ArgumentException($"--mix: '{part}' is not text=N, edit=N or reaction=N");
            }

            if (!int.TryParse(pair[1], NumberStyles.None, CultureInfo.InvariantCulture, out var weight))
            {
                throw new ArgumentException($"--mix: the weight of {pair[0]} is not a whole number >= 0: '{pair[1]}'");
            }

            if (!weights.TryAdd(pair[0], weight))
            {
                throw new ArgumentException($"--mix: {pair[0]} is given twice");
            }
        }

        var mix = new TrafficMix(weights.GetValueOrDefault("text"), weights.GetValueOrDefault("edit"), weights.GetValueOrDefault("reaction"));
        return mix.Text == 0 ? throw new ArgumentException("--mix: text needs a weight above 0 (edits and reactions change earlier texts)") : mix;
    }

    /// <summary>A new sender's sequence of kinds.</summary>
    public MixChooser NewChooser() => new(this);

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"text={Text},edit={Edit},reaction={Reaction}");
}

/// <summary>
/// One sender's kinds, in smooth weighted round robin: within every <c>text + edit + reaction</c> sends each kind comes
/// exactly its weight's times, spread out rather than in runs, and the same for every run (no randomness to compare).
/// Not thread-safe: one per sender.
/// </summary>
public sealed class MixChooser(TrafficMix mix)
{
    private readonly int[] _weights = [mix.Text, mix.Edit, mix.Reaction];
    private readonly int[] _current = new int[3];

    public TrafficKind Next()
    {
        var total = 0;
        var best = 0;
        for (var kind = 0; kind < _weights.Length; kind++)
        {
            _current[kind] += _weights[kind];
            total += _weights[kind];
            if (_current[kind] > _current[best])
            {
                best = kind;
            }
        }

        _current[best] -= total;
        return (TrafficKind)best;
    }
}
