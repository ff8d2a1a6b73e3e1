namespace Reversal.Training.Data.Tokenization;

/// <summary>A tokenizer file could not be loaded: it is not valid JSON or does not describe a valid tokenizer.</summary>
public sealed class TokenizerFormatException : FormatException
{
    /// <summary>Creates the exception with a message of the form <c>"{filePath}: {problem}"</c>.</summary>
    /// <param name="filePath">The tokenizer file, as the caller named it.</param>
    /// <param name="problem">What is wrong with it.</param>
    /// <param name="innerException">The underlying error (e.g. a <see cref="System.Text.Json.JsonException"/>), if any.</param>
    public TokenizerFormatException(string filePath, string problem, Exception? innerException = null)
        : base($"{filePath}: {problem}", innerException)
    {
        FilePath = filePath;
    }

    /// <summary>The tokenizer file that failed to load, as the caller named it.</summary>
    public string FilePath { get; }
}
