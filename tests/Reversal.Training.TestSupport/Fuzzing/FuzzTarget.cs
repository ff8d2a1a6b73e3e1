namespace Reversal.Training.TestSupport.Fuzzing;

/// <summary>
/// One parser under the fuzzer: valid seed inputs, how to load one input (usually: write it where the loader reads it,
/// then call the loader), the exceptions the loader documents, and its memory bound.
/// </summary>
public sealed record FuzzTarget
{
    /// <summary>The parser's name in reports (e.g. <c>config.json (LlamaModel.Load)</c>).</summary>
    public required string Name { get; init; }

    /// <summary>Valid inputs the mutations start from (at least one).</summary>
    public required IReadOnlyList<byte[]> Seeds { get; init; }

    /// <summary>Loads one input; returns normally when it loaded, throws what the loader throws.</summary>
    public required Action<byte[]> Load { get; init; }

    /// <summary>The loader's documented exception types (an exception counts as typed when it is one of these or derives from one).</summary>
    public required IReadOnlyList<Type> Expected { get; init; }

    /// <summary>The allocation allowed per input.</summary>
    public required MemoryBound Memory { get; init; }

    /// <summary>Bytes the load reads besides the mutated input (the other, valid files of a folder).</summary>
    public long OtherBytes { get; init; }

    /// <summary>The mutations to draw from (repeating one makes it likelier).</summary>
    public IReadOnlyList<Mutator> Mutators { get; init; } = JsonMutators.WithByteMutators;

    /// <summary>The systematic inputs derived from one seed, tried before the random ones.</summary>
    public Func<byte[], IEnumerable<SystematicInput>> Systematic { get; init; } = JsonMutators.EveryValueAtEveryExtreme;

    /// <summary>True when <paramref name="exception"/> is one the loader documents.</summary>
    public bool IsExpected(Exception exception) => Expected.Any(type => type.IsInstanceOfType(exception));
}
