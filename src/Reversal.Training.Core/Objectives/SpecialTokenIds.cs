namespace Reversal.Training.Objectives;

/// <summary>
/// The ids of the special tokens every objective may need. A tokenizer reports its own; objectives read them
/// from the <see cref="ObjectiveContext"/> they are given.
/// </summary>
/// <param name="Pad">Padding id: never attended to as a key and never a target.</param>
/// <param name="Unk">Unknown-word id (BICO's default placeholder).</param>
/// <param name="Bos">Beginning-of-sequence id (never masked by denoising objectives).</param>
/// <param name="Eos">End-of-sequence id (never masked by denoising objectives).</param>
public sealed record SpecialTokenIds(int Pad, int Unk, int Bos, int Eos)
{
    /// <summary>The conventional layout <c>&lt;pad&gt;=0, &lt;unk&gt;=1, &lt;bos&gt;=2, &lt;eos&gt;=3</c> used by <c>WordTokenizer</c>.</summary>
    public static SpecialTokenIds Default { get; } = new(0, 1, 2, 3);

    /// <summary>True when <paramref name="id"/> is padding, BOS or EOS (tokens that objectives never corrupt).</summary>
    public bool IsStructural(int id) => id == Pad || id == Bos || id == Eos;
}
