namespace Reversal.Training.Models;

/// <summary>
/// What evaluation, scoring and decoding need from a causal language model, on any engine: logits at chosen positions,
/// log-probabilities of given targets, and incremental (KV-cache) decoding. Implemented by our engine's
/// <c>LlamaModel</c> and by <c>TorchLlama</c>; a host can implement it for its own model.
/// </summary>
/// <remarks>
/// Every method runs without gradients and leaves the model unchanged. Inputs are validated against
/// <see cref="VocabSize"/> and <see cref="ContextLength"/> with an <see cref="ArgumentException"/> that names the row
/// and position.
/// </remarks>
public interface ICausalLanguageModel
{
    /// <summary>Number of token ids the model scores (the logit width V).</summary>
    int VocabSize { get; }

    /// <summary>The longest sequence, and largest position id + 1, the model accepts.</summary>
    int ContextLength { get; }

    /// <summary>
    /// The logits at one position of every row: <c>result[b·V + v]</c> is the logit of token v at position
    /// <c>positions[b]</c> of row b. Shape <c>[B, V]</c>.
    /// </summary>
    /// <exception cref="ArgumentException">An id, position id or <paramref name="positions"/> entry is out of range,
    /// or <paramref name="positions"/> does not have B entries.</exception>
    float[] Logits(ModelInput input, ReadOnlySpan<int> positions);

    /// <summary>
    /// For every position i whose target is not −100: <c>log softmax(logits[i])[targets[i]]</c> (accumulated in double);
    /// 0 where the target is −100. Shape <c>[B·T]</c>. Targets are aligned with outputs (already shifted).
    /// </summary>
    /// <exception cref="ArgumentException">An id or target is out of range, or <paramref name="targets"/> does not have B·T entries.</exception>
    double[] TargetLogProbabilities(ModelInput input, ReadOnlySpan<int> targets);

    /// <summary>Starts incremental decoding of <paramref name="batchSize"/> rows, each with room for
    /// <paramref name="capacity"/> tokens (its KV cache).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is below 1, or the capacity exceeds <see cref="ContextLength"/>.</exception>
    IDecodingSession StartDecoding(int batchSize, int capacity);
}
