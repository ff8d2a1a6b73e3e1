namespace Reversal.ReverseModelling.Corpus;

/// <summary>A document of the experiment: its text, where it came from, and its degradation (null: natural).</summary>
internal sealed record LabeledDocument(string Text, string Source, Degradation? Degradation)
{
    /// <summary>True for an untouched natural document.</summary>
    public bool IsNatural => Degradation is null;

    /// <summary>"natural" or the degradation's name, for reports.</summary>
    public string Kind => Degradation?.ToString() ?? "natural";
}
