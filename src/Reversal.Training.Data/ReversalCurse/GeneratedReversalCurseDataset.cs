using System.Collections.ObjectModel;
using Reversal.Training.Data.Jsonl;

namespace Reversal.Training.Data.ReversalCurse;

/// <summary>
/// A reversal-curse data set made by <see cref="FictitiousPeopleGenerator"/>: usable wherever a
/// <see cref="ReversalCurseDataset"/> is, and additionally exposing the people and every file of the Berglund
/// layout, including the per-subset training files and <c>both_prompts_test.jsonl</c>.
/// </summary>
public sealed class GeneratedReversalCurseDataset : ReversalCurseDataset
{
    internal GeneratedReversalCurseDataset(
        IReadOnlyList<FictitiousPerson> people, IReadOnlyDictionary<string, IReadOnlyList<PromptCompletion>> files)
        : base(files[ReversalCurseFiles.AllTrain], ReversalSplits.All.ToDictionary(
            split => split, split => files[ReversalCurseFiles.TestFile(split)], StringComparer.Ordinal),
            ReversalSplits.All.Where(split => files.ContainsKey(ReversalCurseFiles.RandomizedTestFile(split))).ToDictionary(
                split => split, split => files[ReversalCurseFiles.RandomizedTestFile(split)], StringComparer.Ordinal))
    {
        People = Array.AsReadOnly(people.ToArray());
        var frozen = new Dictionary<string, IReadOnlyList<PromptCompletion>>(StringComparer.Ordinal);
        foreach (string file in ReversalCurseFiles.All) frozen[file] = Freeze(files[file], nameof(files));
        Files = new ReadOnlyDictionary<string, IReadOnlyList<PromptCompletion>>(frozen);
    }

    /// <summary>The invented people: the p2d subset first, then d2p, then both.</summary>
    public IReadOnlyList<FictitiousPerson> People { get; }

    /// <summary>The rows of every file, keyed by file name (every name of <see cref="ReversalCurseFiles.All"/>).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<PromptCompletion>> Files { get; }

    /// <summary>
    /// Writes every file of <see cref="Files"/> into <paramref name="directory"/> (created when missing), in the
    /// order of <see cref="ReversalCurseFiles.All"/>. Each file is replaced atomically; files already in the folder
    /// under other names are left alone.
    /// </summary>
    /// <param name="directory">The folder to write to.</param>
    /// <exception cref="ArgumentException"><paramref name="directory"/> is empty or invalid.</exception>
    /// <exception cref="IOException">A file could not be written.</exception>
    /// <exception cref="UnauthorizedAccessException">A target is read-only or the folder is not writable.</exception>
    public void WriteTo(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        Directory.CreateDirectory(directory);
        foreach (string file in ReversalCurseFiles.All)
            PromptCompletionJsonl.Write(Path.Combine(directory, file), Files[file]);
    }
}
