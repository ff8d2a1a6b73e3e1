using Reversal.Training.Data.Tokenization.Json;
using Reversal.Training.Data.Tokenization.Models.Bpe;

namespace Reversal.Training.Data.Tokenization.Models;

/// <summary>The <c>"model"</c> stage of a <c>tokenizer.json</c>: every supported model <c>"type"</c> and how it is
/// read, the one place a model is registered.</summary>
internal static class ModelTypes
{
    /// <summary>The supported models (BPE).</summary>
    public static ComponentTable<BpeModel> Types { get; } = new("model", ("BPE", BpeModel.Read));
}
