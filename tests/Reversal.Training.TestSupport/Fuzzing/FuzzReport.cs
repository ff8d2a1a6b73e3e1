using System.Globalization;
using System.Text;

namespace Reversal.Training.TestSupport.Fuzzing;

/// <summary>What a fuzz run of one parser saw: inputs, outcomes by exception type, failures, and the worst input's cost.</summary>
public sealed class FuzzReport
{
    private readonly SortedDictionary<string, int> _outcomes = new(StringComparer.Ordinal);
    private readonly List<FuzzFailure> _failures = [];

    internal FuzzReport(string parser, MemoryBound bound)
    {
        Parser = parser;
        Bound = bound;
    }

    /// <summary>The parser's name.</summary>
    public string Parser { get; }

    /// <summary>The memory bound the inputs were held to.</summary>
    public MemoryBound Bound { get; }

    /// <summary>Inputs tried.</summary>
    public int Inputs { get; private set; }

    /// <summary>Inputs that loaded.</summary>
    public int Loaded => _outcomes.GetValueOrDefault(LoadedKey);

    /// <summary>Count per outcome: <c>loaded</c> or the exception's type name (documented ones only).</summary>
    public IReadOnlyDictionary<string, int> Outcomes => _outcomes;

    /// <summary>Inputs that broke the contract (each kind is also counted below).</summary>
    public IReadOnlyList<FuzzFailure> Failures => _failures;

    /// <summary>Inputs that threw an exception the loader does not document.</summary>
    public int Untyped { get; private set; }

    /// <summary>Inputs still loading after the timeout.</summary>
    public int Hangs { get; private set; }

    /// <summary>Inputs that allocated more than <see cref="Bound"/> allows.</summary>
    public int OverMemory { get; private set; }

    /// <summary>The most bytes one input allocated.</summary>
    public long PeakAllocatedBytes { get; private set; }

    /// <summary>The bytes read by the input of <see cref="PeakAllocatedBytes"/>.</summary>
    public long PeakInputBytes { get; private set; }

    /// <summary>
    /// The largest (bytes allocated − <see cref="Bound"/>'s constant) / bytes read over all inputs: the smallest
    /// per-byte factor with which the bound would still have held.
    /// </summary>
    public double PeakBytesPerInputByte { get; private set; }

    /// <summary>The longest time one input took.</summary>
    public TimeSpan Slowest { get; private set; }

    /// <summary>Wall-clock time of the whole run.</summary>
    public TimeSpan Duration { get; internal set; }

    /// <summary>Processor time the process used during the run (every thread): what the run costs on an idle machine.</summary>
    public TimeSpan ProcessorTime { get; internal set; }

    private const string LoadedKey = "loaded";

    internal void Record(long inputBytes, LoadOutcome outcome, bool expected)
    {
        Inputs++;
        string key = outcome.Exception is null ? LoadedKey : expected ? outcome.Exception.GetType().Name : "untyped " + outcome.Exception.GetType().Name;
        _outcomes[key] = _outcomes.GetValueOrDefault(key) + 1;
        if (outcome.Exception is not null && !expected) Untyped++;
        if (outcome.AllocatedBytes > PeakAllocatedBytes)
        {
            PeakAllocatedBytes = outcome.AllocatedBytes;
            PeakInputBytes = inputBytes;
        }
        PeakBytesPerInputByte = Math.Max(PeakBytesPerInputByte, (double)(outcome.AllocatedBytes - Bound.ConstantBytes) / Math.Max(1, inputBytes));
        if (outcome.Elapsed > Slowest) Slowest = outcome.Elapsed;
    }

    internal void RecordHang()
    {
        Inputs++;
        Hangs++;
    }

    internal void RecordOverMemory() => OverMemory++;

    internal void Add(FuzzFailure failure) => _failures.Add(failure);

    /// <summary>True when every input loaded or threw a documented exception, in time and within the memory bound.</summary>
    public bool Clean => Untyped == 0 && Hangs == 0 && OverMemory == 0;

    /// <summary>The outcomes as text: <c>loaded 812, CheckpointFormatException 9,188</c>.</summary>
    public string OutcomeText => string.Join(", ", _outcomes.Select(o => $"{o.Key} {o.Value.ToString("N0", CultureInfo.InvariantCulture)}"));

    /// <summary>One markdown table row: parser, inputs, outcomes, untyped, hangs, peak allocation per input, bound, slowest input, processor time.</summary>
    public string MarkdownRow => string.Create(CultureInfo.InvariantCulture,
        $"| {Parser} | {Inputs:N0} | {OutcomeText} | {Untyped} | {Hangs} | {Kib(PeakAllocatedBytes)} (input {Kib(PeakInputBytes)}); {PeakBytesPerInputByte:0.0} B/B beyond the constant | {Bound} | {Slowest.TotalMilliseconds:0} ms | {ProcessorTime.TotalSeconds:0.0} s |");

    /// <summary>The header of <see cref="MarkdownRow"/>.</summary>
    public const string MarkdownHeader =
        "| parser | inputs | outcomes | untyped | hangs | peak allocation per input | bound | slowest input | processor time |\n|---|---|---|---|---|---|---|---|---|";

    /// <inheritdoc />
    public override string ToString()
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"{Parser}: {Inputs:N0} inputs in {Duration.TotalSeconds:0.0} s ({ProcessorTime.TotalSeconds:0.0} s of processor time); {OutcomeText}");
        text.AppendLine(CultureInfo.InvariantCulture, $"  untyped {Untyped}, hangs {Hangs}, over memory {OverMemory}; peak allocation {PeakAllocatedBytes:N0} B for {PeakInputBytes:N0} B read, " +
                                                      $"{PeakBytesPerInputByte:0.0} B/B beyond the constant (bound {Bound}); slowest {Slowest.TotalMilliseconds:0.0} ms");
        foreach (var failure in _failures.Take(20)) text.AppendLine("  " + failure);
        if (_failures.Count > 20) text.AppendLine(CultureInfo.InvariantCulture, $"  ... and {_failures.Count - 20} more failures");
        return text.ToString();
    }

    private static string Kib(long bytes) => bytes < 10 * 1024
        ? bytes.ToString("N0", CultureInfo.InvariantCulture) + " B"
        : (bytes / 1024.0).ToString("N0", CultureInfo.InvariantCulture) + " KiB";
}
