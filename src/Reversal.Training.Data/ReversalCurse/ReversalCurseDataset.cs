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
    /// <param name="randomizedSplits">Optional <c>*_randomized</c> counterparts keyed by split name: the same prompts
    /// in the same order, each with another person's completion (Berglund et al.'s likelihood test); null for none.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">A split is missing, a row list is null or holds a null row, or a randomized
    /// split names no test split or has another row count.</exception>
    public ReversalCurseDataset(
        IReadOnlyList<PromptCompletion> train,
        IReadOnlyDictionary<string, IReadOnlyList<PromptCompletion>> testSplits,
        IReadOnlyDictionary<string, IReadOnlyList<PromptCompletion>>? randomizedSplits = null)
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
        var randomized = new Dictionary<string, IReadOnlyList<PromptCompletion>>(StringComparer.Ordinal);
        foreach (var (name, rows) in randomizedSplits ?? new Dictionary<string, IReadOnlyList<PromptCompletion>>())
        {
            if (!splits.TryGetValue(name, out var test))
                throw new ArgumentException($"The randomized split '{name}' has no test split of that name.", nameof(randomizedSplits));
            var frozen = Freeze(rows ?? throw new ArgumentException($"The randomized split '{name}' is null.", nameof(randomizedSplits)), nameof(randomizedSplits));
            if (frozen.Count != test.Count)
                throw new ArgumentException($"The randomized split '{name}' has {frozen.Count} rows; its test split has {test.Count}.", nameof(randomizedSplits));
            randomized[name] = frozen;
        }
        RandomizedSplits = new ReadOnlyDictionary<string, IReadOnlyList<PromptCompletion>>(randomized);
    }

    /// <summary>The training rows (<c>all_prompts_train.jsonl</c> in the Berglund layout).</summary>
    public IReadOnlyList<PromptCompletion> Train { get; }

    /// <summary>The test rows keyed by split name: <see cref="ReversalSplits.D2P"/>, <see cref="ReversalSplits.P2D"/>,
    /// <see cref="ReversalSplits.P2DReverse"/>, <see cref="ReversalSplits.D2PReverse"/>.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<PromptCompletion>> TestSplits { get; }

    /// <summary>
    /// The <c>*_randomized</c> test rows keyed by split name (in the Berglund data: <see cref="ReversalSplits.P2DReverse"/>
    /// and <see cref="ReversalSplits.D2PReverse"/>): row i has the prompt of the test split's row i and another
    /// person's completion. Empty when the data has none.
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyList<PromptCompletion>> RandomizedSplits { get; }

    /// <summary>
    /// Loads a folder in the Berglund layout: <c>all_prompts_train.jsonl</c> and the four test files
    /// <c>d2p_prompts_test.jsonl</c>, <c>p2d_prompts_test.jsonl</c>, <c>p2d_reverse_prompts_test.jsonl</c>,
    /// <c>d2p_reverse_prompts_test.jsonl</c>, plus each <c>{split}_prompts_test_randomized.jsonl</c> that is present
    /// (<see cref="RandomizedSplits"/>). Other files in the folder are ignored.
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
        var randomized = new Dictionary<string, IReadOnlyList<PromptCompletion>>(StringComparer.Ordinal);
        foreach (string split in ReversalSplits.All)
        {
            splits[split] = PromptCompletionJsonl.Read(Path.Combine(directory, ReversalCurseFiles.TestFile(split)));
            string randomizedFile = Path.Combine(directory, ReversalCurseFiles.RandomizedTestFile(split));
            if (File.Exists(randomizedFile)) randomized[split] = PromptCompletionJsonl.Read(randomizedFile);
        }
        return new ReversalCurseDataset(train, splits, randomized);
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
