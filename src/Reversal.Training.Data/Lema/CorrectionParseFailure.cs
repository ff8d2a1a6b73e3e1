namespace Reversal.Training.Data.Lema;

/// <summary>What a corrector output lacked when <see cref="CorrectionParser.TryParse"/> refused it.</summary>
public enum CorrectionParseFailure
{
    /// <summary>Nothing: the output parsed.</summary>
    None,

    /// <summary>No <c>Step k.</c> (after <c>Incorrect Step:</c>), or k is not a positive integer.</summary>
    NoStepMarker,

    /// <summary>No <c>Explanation:</c>, or an empty one.</summary>
    NoExplanation,

    /// <summary>No <c>Correct Solution:</c>, an empty one, or one whose opening brace never closes.</summary>
    NoCorrectedSolution,
}
