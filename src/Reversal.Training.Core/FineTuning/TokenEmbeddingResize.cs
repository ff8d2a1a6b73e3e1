using Reversal.Training.Models;
using Reversal.Training.Serialization;

namespace Reversal.Training.FineTuning;

/// <summary>
/// Growing a model's vocabulary for new tokens (Hugging Face's <c>resize_token_embeddings</c>), engine-neutral: the
/// embedding <c>model.embed_tokens.weight [V, D]</c> and an untied head <c>lm_head.weight [V, D]</c> gain rows
/// <c>V .. V'−1</c>, each the mean of the existing rows of its matrix (so a new token starts as an average token, not
/// as noise); the existing rows are copied unchanged, so the logits of the old tokens for old inputs are unchanged.
/// </summary>
public static class TokenEmbeddingResize
{
    /// <summary>The config and weights of <paramref name="config"/>'s model with <paramref name="newVocabSize"/> tokens.</summary>
    /// <param name="config">The model's config.</param>
    /// <param name="weights">Its weights by Hugging Face name (as <c>ExportWeights</c> gives them).</param>
    /// <param name="newVocabSize">V' ≥ V.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="newVocabSize"/> is smaller than the current vocabulary.</exception>
    /// <exception cref="ArgumentException">A weight the resize needs is missing or mis-shaped.</exception>
    public static (LlamaConfig Config, List<KeyValuePair<string, TensorData>> Weights) Resize(
        LlamaConfig config, IReadOnlyList<KeyValuePair<string, TensorData>> weights, int newVocabSize)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(weights);
        if (newVocabSize < config.VocabSize)
            throw new ArgumentOutOfRangeException(nameof(newVocabSize), newVocabSize, $"The vocabulary can only grow: the model has {config.VocabSize} tokens.");
        var resized = new List<KeyValuePair<string, TensorData>>(weights.Count);
        foreach (var (name, tensor) in weights)
        {
            bool vocabulary = name == "model.embed_tokens.weight" || name == "lm_head.weight";
            if (!vocabulary) { resized.Add(new(name, tensor)); continue; }
            if (tensor.Rank != 2 || tensor.Shape[0] != config.VocabSize || tensor.Shape[1] != config.HiddenSize)
                throw new ArgumentException($"'{name}' has shape {TensorData.FormatShape(tensor.Shape)}; expected [{config.VocabSize}, {config.HiddenSize}].", nameof(weights));
            resized.Add(new(name, Grow(tensor, newVocabSize)));
        }
        return (config with { VocabSize = newVocabSize }, resized);
    }

    /// <summary><paramref name="matrix"/> <c>[V, D]</c> with rows appended up to <paramref name="rows"/>, each the
    /// float64 mean of the V existing rows rounded once.</summary>
    private static TensorData Grow(TensorData matrix, int rows)
    {
        int vocab = matrix.Shape[0], width = matrix.Shape[1];
        var values = new float[(long)rows * width];
        matrix.Values.CopyTo(values, 0);
        var mean = new double[width];
        for (int v = 0; v < vocab; v++)
            for (int d = 0; d < width; d++) mean[d] += matrix.Values[(long)v * width + d];
        for (int r = vocab; r < rows; r++)
            for (int d = 0; d < width; d++) values[(long)r * width + d] = (float)(mean[d] / vocab);
        return new TensorData(values, rows, width);
    }
}
