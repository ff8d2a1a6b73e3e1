using System.Collections.ObjectModel;
using Reversal.Training.Data.Jsonl;

namespace Reversal.Training.Data.ReversalCurse;

/// <summary>
/// The reversal-curse experiment of Berglund et al.: training facts about fictitious people and the four test
/// splits that measure whether a model learned each fact in the trained and in the reversed direction.
/// </summary>
public class ReversalCurseDataset
{
    /// <summary>Creates a data set from rows already in memory.</summary>
    /// <param name="train">The training rows.</param>
    /// <param name="testSplits">The test rows, keyed by split name; must hold every name of
    /// <see cref="ReversalSplits.All"/> (other keys are kept).</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">A split is missing, or a row list is null or holds a null row.</exception>
    public ReversalCurseDataset(
        IReadOnlyList<PromptCompletion> train,
        IReadOnlyDictionary<string, IReadOnlyList<PromptCompletion>> testSplits)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(testSplits);
        foreach (string split in ReversalSplits.All)
        {
            if (!testSplits.ContainsKey(split))
                throw new ArgumentException($"The test split '{split}' is missing.", nameof(testSplits));
        }

        Train = Freeze(train, nameof(train));
        var splits = new Dictionary<string, IReadOnlyList<PromptCompletion>>(StringComparer.Ordinal);
        foreach (var (name, rows) in testSplits)
            splits[name] = Freeze(rows ?? throw new ArgumentException($"The test split '{name}' is null.", nameof(testSplits)), nameof(testSplits));
        TestSplits = new ReadOnlyDictionary<string, IReadOnlyList<PromptCompletion>>(splits);
    }

    /// <summary>The training rows (<c>all_prompts_train.jsonl</c> in the Berglund layout).</summary>
    public IReadOnlyList<PromptCompletion> Train { get; }

    /// <summary>The test rows keyed by split name: <see cref="ReversalSplits.D2P"/>, <see cref="ReversalSplits.P2D"/>,
    /// <see cref="ReversalSplits.P2DReverse"/>, <see cref="ReversalSplits.D2PReverse"/>.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<PromptCompletion>> TestSplits { get; }

    /// <summary>
    /// Loads a folder in the Berglund layout: <c>all_prompts_train.jsonl</c> and the four test files
    /// <c>d2p_prompts_test.jsonl</c>, <c>p2d_prompts_test.jsonl</c>, <c>p2d_reverse_prompts_test.jsonl</c>,
    /// <c>d2p_reverse_prompts_test.jsonl</c>. Other files in the folder are ignored.
    /// </summary>
    /// <param name="directory">The folder, e.g. <c>data/reverse_experiments/june_version_7921032488</c>.</param>
    /// <returns>The data set.</returns>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="FileNotFoundException">A required file is missing; the message names every missing file
    /// and the folder.</exception>
    /// <exception cref="JsonlFormatException">A file is malformed.</exception>
    public static ReversalCurseDataset Load(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        if (!Directory.Exists(directory))
            throw new DirectoryNotFoundException($"Reversal-curse data folder '{directory}' was not found.");

        string[] required = [ReversalCurseFiles.AllTrain, .. ReversalSplits.All.Select(ReversalCurseFiles.TestFile)];
        string[] missing = [.. required.Where(file => !File.Exists(Path.Combine(directory, file)))];
        if (missing.Length > 0)
            throw new FileNotFoundException(
                $"Reversal-curse data folder '{directory}' lacks the required file{(missing.Length > 1 ? "s" : "")} " +
                $"{string.Join(", ", missing)}.",
                Path.Combine(directory, missing[0]));

        IReadOnlyList<PromptCompletion> train = PromptCompletionJsonl.Read(Path.Combine(directory, ReversalCurseFiles.AllTrain));
        var splits = new Dictionary<string, IReadOnlyList<PromptCompletion>>(StringComparer.Ordinal);
        foreach (string split in ReversalSplits.All)
            splits[split] = PromptCompletionJsonl.Read(Path.Combine(directory, ReversalCurseFiles.TestFile(split)));
        return new ReversalCurseDataset(train, splits);
    }

    /// <summary>Copies <paramref name="rows"/> into a read-only list, rejecting null rows.</summary>
    private protected static IReadOnlyList<PromptCompletion> Freeze(IReadOnlyList<PromptCompletion> rows, string parameterName)
    {
        var copy = new PromptCompletion[rows.Count];
        for (int i = 0; i < copy.Length; i++)
            copy[i] = rows[i] ?? throw new ArgumentException($"The row at index {i} is null.", parameterName);
        return Array.AsReadOnly(copy);
    }
}
