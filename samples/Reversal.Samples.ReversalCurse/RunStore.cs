using System.Text.Json;
using System.Text.Json.Serialization;
using Reversal.Training.IO;

namespace Reversal.Samples.ReversalCurse;

/// <summary>
/// Saves each finished run as <c>{folder}/runs/{run}.json</c> (atomically) and finds it again, so that a long
/// experiment interrupted midway continues where it stopped when the same command is run again.
/// </summary>
public static class RunStore
{
    /// <summary>The folder, inside the output folder, that holds the run records.</summary>
    public const string RunsFolder = "runs";

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>The record file of <paramref name="run"/> in <paramref name="folder"/>.</summary>
    public static string PathOf(string folder, string run) => Path.Combine(folder, RunsFolder, run + ".json");

    /// <summary>Writes <paramref name="record"/> as the record of <paramref name="run"/>, replacing any earlier one atomically.</summary>
    public static void Save<TRecord>(string folder, string run, TRecord record) =>
        AtomicFile.WriteAllText(PathOf(folder, run), JsonSerializer.Serialize(record, Json) + "\n");

    /// <summary>The saved record of <paramref name="run"/> in <paramref name="folder"/>, or null when there is none.</summary>
    /// <param name="folder">The output folder.</param>
    /// <param name="run">The run's name.</param>
    /// <param name="mismatch">Why a saved record cannot stand for this run (another run, other settings), or null when it can;
    /// the reason is appended to the file's path in the exception, e.g. <c>was made with other settings (...); use another --out.</c></param>
    /// <exception cref="InvalidOperationException">A saved record exists but <paramref name="mismatch"/> refuses it (reusing it
    /// would mix incomparable numbers), or the file is not a record of this kind.</exception>
    public static TRecord? TryLoad<TRecord>(string folder, string run, Func<TRecord, string?> mismatch) where TRecord : class
    {
        ArgumentNullException.ThrowIfNull(mismatch);
        string path = PathOf(folder, run);
        if (!File.Exists(path)) return null;
        TRecord? record;
        try
        {
            record = JsonSerializer.Deserialize<TRecord>(File.ReadAllText(path), Json);
        }
        catch (JsonException e)
        {
            throw new InvalidOperationException($"'{path}' is not a run record ({e.Message}); delete it to run '{run}' again.", e);
        }
        if (record is null) throw new InvalidOperationException($"'{path}' is not a run record; delete it to run '{run}' again.");
        if (mismatch(record) is string reason) throw new InvalidOperationException($"'{path}' {reason}");
        return record;
    }
}
