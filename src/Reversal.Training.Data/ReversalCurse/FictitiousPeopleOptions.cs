namespace Reversal.Training.Data.ReversalCurse;

/// <summary>Options of <see cref="FictitiousPeopleGenerator"/>. The defaults reproduce the sizes of the Berglund
/// data: 30 people per subset, 30 training and 10 test templates per person.</summary>
public sealed record FictitiousPeopleOptions
{
    /// <summary>Largest allowed <see cref="PeoplePerSubset"/>.</summary>
    public const int MaxPeoplePerSubset = 1000;

    /// <summary>People in each of the three subsets (p2d, d2p, both); 1 .. <see cref="MaxPeoplePerSubset"/>,
    /// default 30.</summary>
    public int PeoplePerSubset { get; init; } = 30;

    /// <summary>Training templates per person and direction, drawn per person from the training pool; 1 .. the
    /// pool size (<see cref="ReversalTemplates.PersonToDescriptionTrain"/> and
    /// <see cref="ReversalTemplates.DescriptionToPersonTrain"/>), default 30.</summary>
    public int TrainTemplatesPerPerson { get; init; } = 30;

    /// <summary>Held-out test templates per person and direction: the first this many of
    /// <see cref="ReversalTemplates.PersonToDescriptionTest"/> / <see cref="ReversalTemplates.DescriptionToPersonTest"/>,
    /// the same for everyone; 1 .. the pool size (10), default 10.</summary>
    public int TestTemplatesPerPerson { get; init; } = 10;

    /// <summary>Seed of the generator's random stream: the same seed and options always give the same data, on
    /// every platform and runtime. Default 1.</summary>
    public int Seed { get; init; } = 1;
}
