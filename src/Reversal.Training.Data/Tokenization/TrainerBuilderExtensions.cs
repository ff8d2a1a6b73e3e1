namespace Reversal.Training.Data.Tokenization;

/// <summary><c>Trainer.For(model).WithTokenizer(tokenizer)</c>: the trainer takes its special ids from the tokenizer.</summary>
public static class TrainerBuilderExtensions
{
    /// <summary>Uses <paramref name="tokenizer"/>'s special ids (BOS, EOS, padding, unknown) for every objective.</summary>
    public static TrainerBuilder WithTokenizer(this TrainerBuilder builder, ITokenizer tokenizer)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(tokenizer);
        return builder.WithSpecialTokens(tokenizer.SpecialTokens);
    }
}
