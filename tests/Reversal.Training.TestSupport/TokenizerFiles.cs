namespace Reversal.Training.TestSupport;

/// <summary>
/// Locates real tokenizer folders (each with a <c>tokenizer.json</c>) for the tests that use them: first in the shared
/// data (<c>shared/data/tokenizers/NAME</c>), then in the folder named by the environment variable
/// <see cref="EnvironmentVariable"/>, for tokenizers fetched locally that shared data does not carry. Null when absent,
/// so callers can Assert.Ignore.
/// </summary>
public static class TokenizerFiles
{
    /// <summary>The environment variable naming a second folder of tokenizers: <c>REVERSAL_TOKENIZERS</c>.</summary>
    public const string EnvironmentVariable = "REVERSAL_TOKENIZERS";

    /// <summary>The folder of the tokenizer <paramref name="name"/>, or null when neither place has its
    /// <c>tokenizer.json</c>.</summary>
    public static string? Find(string name)
    {
        string? shared = SharedData.Find(Path.Combine("tokenizers", name));
        if (shared is not null && File.Exists(Path.Combine(shared, "tokenizer.json"))) return shared;
        string? extra = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (string.IsNullOrEmpty(extra)) return null;
        string folder = Path.Combine(extra, name);
        return File.Exists(Path.Combine(folder, "tokenizer.json")) ? folder : null;
    }
}
