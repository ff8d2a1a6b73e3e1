using Reversal.Training.Randomness;

namespace Reversal.Training.Objectives;

/// <summary>What an objective may use while preparing a batch besides the examples.</summary>
/// <param name="Random">The objective's random stream (seeded by the trainer; checkpointed with it).</param>
/// <param name="SpecialTokens">The tokenizer's special ids.</param>
/// <param name="MaxSequenceLength">The model's context: a prepared batch may not be longer.</param>
public sealed record ObjectiveContext(SeededRandom Random, SpecialTokenIds SpecialTokens, int MaxSequenceLength);
