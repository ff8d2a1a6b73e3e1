namespace Reversal.Training.Models;

/// <summary>
/// Hyper-parameters of a Llama-style decoder, named after Hugging Face's <c>LlamaConfig</c>
/// (<c>hidden_size</c> = <see cref="HiddenSize"/>, <c>intermediate_size</c> = <see cref="IntermediateSize"/>, ...).
/// </summary>
public sealed record LlamaConfig
{
    /// <summary>Vocabulary size V.</summary>
    public required int VocabSize { get; init; }

    /// <summary>Model width D.</summary>
    public required int HiddenSize { get; init; }

    /// <summary>SwiGLU hidden width F.</summary>
    public required int IntermediateSize { get; init; }

    /// <summary>Number of decoder layers.</summary>
    public required int NumHiddenLayers { get; init; }

    /// <summary>Query heads H (head size = D / H).</summary>
    public required int NumAttentionHeads { get; init; }

    /// <summary>Key/value heads (grouped-query attention when fewer than <see cref="NumAttentionHeads"/>); defaults to H.</summary>
    public int? NumKeyValueHeads { get; init; }

    /// <summary>Context length: the largest sequence length and position id + 1 the model accepts.</summary>
    public int MaxPositionEmbeddings { get; init; } = 256;

    /// <summary>RMSNorm epsilon.</summary>
    public float RmsNormEps { get; init; } = 1e-5f;

    /// <summary>RoPE base.</summary>
    public double RopeTheta { get; init; } = 10000.0;

    /// <summary>RoPE scaling (<c>rope_scaling</c>: linear, dynamic or llama3; see <see cref="Attention.RopeScaling"/>), or
    /// null for plain RoPE. Dynamic scaling rescales only sequences longer than <see cref="MaxPositionEmbeddings"/>,
    /// which the models refuse, so within the context it gives the default frequencies, as transformers does.</summary>
    public Attention.RopeScaling? RopeScaling { get; init; }

    /// <summary>When true the output head reuses the embedding table (no separate <c>lm_head.weight</c>).</summary>
    public bool TieWordEmbeddings { get; init; }

    /// <summary>Standard deviation of the normal initialisation of every matrix.</summary>
    public float InitializerRange { get; init; } = 0.02f;

    /// <summary>Effective key/value head count.</summary>
    public int KeyValueHeads => NumKeyValueHeads ?? NumAttentionHeads;

    /// <summary>Head size D / H.</summary>
    public int HeadDim => HiddenSize / NumAttentionHeads;

    /// <summary>The Tiny preset: d128, 4 layers, 4 heads, ffn 352.</summary>
    public static LlamaConfig Tiny(int vocabSize) => new()
    {
        VocabSize = vocabSize, HiddenSize = 128, IntermediateSize = 352, NumHiddenLayers = 4, NumAttentionHeads = 4,
    };

    /// <summary>The Small preset: d256, 6 layers, 8 heads, ffn 704.</summary>
    public static LlamaConfig Small(int vocabSize) => new()
    {
        VocabSize = vocabSize, HiddenSize = 256, IntermediateSize = 704, NumHiddenLayers = 6, NumAttentionHeads = 8,
    };

    /// <summary>Checks the configuration is consistent.</summary>
    /// <exception cref="ArgumentException">A value is out of range; the message names the field.</exception>
    public void Validate()
    {
        static void Positive(int value, string name)
        {
            if (value < 1) throw new ArgumentException($"LlamaConfig.{name} must be positive, got {value}.");
        }
        Positive(VocabSize, nameof(VocabSize));
        Positive(HiddenSize, nameof(HiddenSize));
        Positive(IntermediateSize, nameof(IntermediateSize));
        Positive(NumHiddenLayers, nameof(NumHiddenLayers));
        Positive(NumAttentionHeads, nameof(NumAttentionHeads));
        Positive(KeyValueHeads, nameof(NumKeyValueHeads));
        Positive(MaxPositionEmbeddings, nameof(MaxPositionEmbeddings));
        if (HiddenSize % NumAttentionHeads != 0)
            throw new ArgumentException($"LlamaConfig.HiddenSize {HiddenSize} is not divisible by NumAttentionHeads {NumAttentionHeads}.");
        if (HeadDim % 2 != 0)
            throw new ArgumentException($"LlamaConfig head size {HeadDim} must be even for RoPE.");
        if (NumAttentionHeads % KeyValueHeads != 0)
            throw new ArgumentException($"LlamaConfig.NumKeyValueHeads {KeyValueHeads} must divide NumAttentionHeads {NumAttentionHeads}.");
        if (!(RmsNormEps > 0) || float.IsInfinity(RmsNormEps)) throw new ArgumentException($"LlamaConfig.RmsNormEps must be positive, got {RmsNormEps}.");
        if (!(RopeTheta > 1) || double.IsInfinity(RopeTheta)) throw new ArgumentException($"LlamaConfig.RopeTheta must be > 1, got {RopeTheta}.");
        if (RopeScaling is { } scaling)
        {
            try { scaling.Validate(); }
            catch (ArgumentException e) { throw new ArgumentException($"LlamaConfig.RopeScaling: {e.Message}", e); }
        }
        if (!(InitializerRange > 0)) throw new ArgumentException($"LlamaConfig.InitializerRange must be positive, got {InitializerRange}.");
    }
}
