using Reversal.Training.Models;
using Reversal.Training.Randomness;

namespace Reversal.Training.Generation;

/// <summary>
/// Autoregressive decoding with a KV cache (no grad): the prompt is fed once, then one token per step.
/// </summary>
public static class Generator
{
    /// <summary>Generates a continuation of <paramref name="prompt"/>; returns only the new tokens.</summary>
    /// <exception cref="ArgumentException">The prompt is empty, holds an id outside the vocabulary, or prompt + new tokens exceed the context.</exception>
    public static int[] Generate(ICausalLanguageModel model, ReadOnlySpan<int> prompt, GenerationOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (prompt.IsEmpty) throw new ArgumentException("Generation needs a non-empty prompt (e.g. the BOS token).", nameof(prompt));
        int context = model.ContextLength;
        if (prompt.Length > context)
            throw new ArgumentException($"The prompt has {prompt.Length} tokens, more than the model's context of {context}.", nameof(prompt));
        int budget = Math.Min(options.MaxNewTokens, context - prompt.Length);
        var generated = new List<int>(budget);
        if (budget == 0) return [];
        using var session = model.StartDecoding(1, Math.Min(context, prompt.Length + budget));
        var random = new SeededRandom(options.Seed);
        float[] logits = session.Append(prompt);
        for (int i = 0; i < budget; i++)
        {
            int next = options.Temperature == 0 ? ArgMax(logits) : Sample(logits, options.Temperature, options.TopK, random);
            generated.Add(next);
            if (options.StopTokens.Contains(next) || i == budget - 1) break;
            logits = session.Append([next]);
        }
        return generated.ToArray();
    }

    /// <summary>Index of the largest logit (the lowest index among ties).</summary>
    public static int ArgMax(ReadOnlySpan<float> logits)
    {
        int best = 0;
        for (int i = 1; i < logits.Length; i++) if (logits[i] > logits[best]) best = i;
        return best;
    }

    private static int Sample(float[] logits, float temperature, int topK, SeededRandom random)
    {
        int n = logits.Length;
        var order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        int keep = topK > 0 ? Math.Min(topK, n) : n;
        if (keep < n) Array.Sort(order, (a, b) => logits[b].CompareTo(logits[a]) is var c && c != 0 ? c : a.CompareTo(b));
        float max = float.NegativeInfinity;
        for (int i = 0; i < keep; i++) max = Math.Max(max, logits[order[i]]);
        var weights = new double[keep];
        double total = 0;
        for (int i = 0; i < keep; i++) total += weights[i] = Math.Exp((logits[order[i]] - max) / temperature);
        double u = random.NextDouble() * total;
        for (int i = 0; i < keep; i++)
        {
            u -= weights[i];
            if (u < 0) return order[i];
        }
        return order[keep - 1];
    }
}
