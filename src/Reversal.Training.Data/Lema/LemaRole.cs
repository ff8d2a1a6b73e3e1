namespace Reversal.Training.Data.Lema;

/// <summary>Which model of the LEMA pipeline wrote a reply.</summary>
public enum LemaRole
{
    /// <summary>The reasoner (a sampled reasoning path).</summary>
    Reasoner,

    /// <summary>The corrector (a correction of a wrong path).</summary>
    Corrector,
}
