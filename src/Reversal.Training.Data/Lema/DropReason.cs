namespace Reversal.Training.Data.Lema;

/// <summary>Why the LEMA pipeline dropped a model reply (it is counted, written to <c>dropped.jsonl</c>, and never trained on).</summary>
public enum DropReason
{
    /// <summary>The reply is null, empty or whitespace.</summary>
    Empty,

    /// <summary>The reply is longer than <see cref="LemaPipelineOptions.MaxReplyCharacters"/>.</summary>
    TooLong,

    /// <summary>The reasoning path, or the corrected solution, has no final answer.</summary>
    NoAnswer,

    /// <summary>The correction has no <c>Incorrect Step: Step k.</c></summary>
    NoStepMarker,

    /// <summary>The correction has a step marker but no explanation or no corrected solution.</summary>
    Unparsable,

    /// <summary>The correction names a step the wrong path does not have.</summary>
    StepOutOfRange,

    /// <summary>The corrected solution's final answer is still wrong.</summary>
    StillWrong,
}
