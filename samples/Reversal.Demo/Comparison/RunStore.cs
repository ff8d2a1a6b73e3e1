using System.Text.Json;
using System.Text.Json.Serialization;
using Reversal.Training.IO;

namespace Reversal.Demo.Comparison;

/// <summary>
/// Saves each finished run as <c>{folder}/runs/{objective}.json</c> (atomically) and finds it again, so that a long
/// comparison interrupted midway continues where it stopped when the same command is run again.
/// </summary>
internal static class RunStore
{
    public const string RunsFolder = "runs";

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter() },
    };

    public static string PathOf(string folder, string objective) => Path.Combine(folder, RunsFolder, objective + ".json");

    public static void Save(string folder, RunRecord record) =>
        AtomicFile.WriteAllText(PathOf(folder, record.Objective), JsonSerializer.Serialize(record, Json) + "\n");

    /// <summary>The saved run of <paramref name="objective"/> in <paramref name="folder"/>, or null when there is none.</summary>
    /// <exception cref="InvalidOperationException">A saved run exists but was made with other settings or another seed
    /// (reusing it would mix incomparable numbers), or the file is not a run record.</exception>
    public static RunRecord? TryLoad(string folder, string objective, int seed, RunSettings settings)
    {
        string path = PathOf(folder, objective);
        if (!File.Exists(path)) return null;
        RunRecord? record;
        try
        {
            record = JsonSerializer.Deserialize<RunRecord>(File.ReadAllText(path), Json);
        }
        catch (JsonException e)
        {
            throw new InvalidOperationException($"'{path}' is not a run record ({e.Message}); delete it to run '{objective}' again.", e);
        }
        if (record is null || record.Objective != objective || record.Seed != seed)
            throw new InvalidOperationException($"'{path}' holds another run than '{objective}' with seed {seed}; delete it or use another --out.");
        if (record.Settings != settings)
            throw new InvalidOperationException($"'{path}' was made with other settings ({record.Settings}) than this run ({settings}); use another --out.");
        return record;
    }
}
