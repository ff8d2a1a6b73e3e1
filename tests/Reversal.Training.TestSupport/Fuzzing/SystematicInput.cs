namespace Reversal.Training.TestSupport.Fuzzing;

/// <summary>One input of a systematic pass, made only when it is tried.</summary>
/// <param name="Description">How it differs from its seed.</param>
/// <param name="Make">Builds the input.</param>
public sealed record SystematicInput(string Description, Func<byte[]> Make);
