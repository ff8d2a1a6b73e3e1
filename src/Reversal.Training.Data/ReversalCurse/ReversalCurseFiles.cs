namespace Reversal.Training.Data.ReversalCurse;

/// <summary>File names of the Berglund reversal-curse layout (<c>data/reverse_experiments/june_version_*</c>).</summary>
public static class ReversalCurseFiles
{
    /// <summary>Training facts of the name-first subset (30 people x 30 templates in the original).</summary>
    public const string P2DTrain = "p2d_prompts_train.jsonl";

    /// <summary>Training facts of the description-first subset.</summary>
    public const string D2PTrain = "d2p_prompts_train.jsonl";

    /// <summary>Training facts of the subset trained in both orders (both directions per person).</summary>
    public const string BothTrain = "both_prompts_train.jsonl";

    /// <summary>All training facts: <see cref="P2DTrain"/> + <see cref="D2PTrain"/> + <see cref="BothTrain"/>.</summary>
    public const string AllTrain = "all_prompts_train.jsonl";

    /// <summary>Test split <see cref="ReversalSplits.D2P"/>.</summary>
    public const string D2PTest = "d2p_prompts_test.jsonl";

    /// <summary>Test split <see cref="ReversalSplits.P2D"/>.</summary>
    public const string P2DTest = "p2d_prompts_test.jsonl";

    /// <summary>Test split <see cref="ReversalSplits.P2DReverse"/> (the reversal test).</summary>
    public const string P2DReverseTest = "p2d_reverse_prompts_test.jsonl";

    /// <summary>Test split <see cref="ReversalSplits.D2PReverse"/>.</summary>
    public const string D2PReverseTest = "d2p_reverse_prompts_test.jsonl";

    /// <summary>Randomized counterpart of <see cref="P2DReverseTest"/>: the same prompts, another person's name.</summary>
    public const string P2DReverseRandomizedTest = "p2d_reverse_prompts_test_randomized.jsonl";

    /// <summary>Randomized counterpart of <see cref="D2PReverseTest"/>: the same prompts, another person's description.</summary>
    public const string D2PReverseRandomizedTest = "d2p_reverse_prompts_test_randomized.jsonl";

    /// <summary>Held-out templates for the people trained in both orders (both directions).</summary>
    public const string BothTest = "both_prompts_test.jsonl";

    /// <summary>Every file of the layout, training files first, in the order the generator writes them.</summary>
    public static IReadOnlyList<string> All { get; } = Array.AsReadOnly(
        [P2DTrain, D2PTrain, BothTrain, AllTrain, D2PTest, P2DTest, P2DReverseTest, D2PReverseTest, BothTest,
         P2DReverseRandomizedTest, D2PReverseRandomizedTest]);

    /// <summary>The randomized counterpart of a test split's file (<c>"{split}_prompts_test_randomized.jsonl"</c>);
    /// the Berglund data ships it for <see cref="ReversalSplits.P2DReverse"/> and <see cref="ReversalSplits.D2PReverse"/>.</summary>
    /// <param name="split">One of <see cref="ReversalSplits.All"/>.</param>
    /// <exception cref="ArgumentException"><paramref name="split"/> is not a known split.</exception>
    public static string RandomizedTestFile(string split) => TestFile(split).Replace(".jsonl", "_randomized.jsonl", StringComparison.Ordinal);

    /// <summary>The file of a test split named in <see cref="ReversalSplits"/> (<c>"{split}_prompts_test.jsonl"</c>).</summary>
    /// <param name="split">One of <see cref="ReversalSplits.All"/>.</param>
    /// <exception cref="ArgumentException"><paramref name="split"/> is not a known split.</exception>
    public static string TestFile(string split) => split switch
    {
        ReversalSplits.D2P => D2PTest,
        ReversalSplits.P2D => P2DTest,
        ReversalSplits.P2DReverse => P2DReverseTest,
        ReversalSplits.D2PReverse => D2PReverseTest,
        _ => throw new ArgumentException(
            $"'{split}' is not a reversal-curse test split (expected one of {string.Join(", ", ReversalSplits.All)}).",
            nameof(split)),
    };
}
