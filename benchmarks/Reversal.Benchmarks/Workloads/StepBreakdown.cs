using System.Diagnostics;
using System.Globalization;
using Reversal.Benchmarks.Compare;
using Reversal.Training.Engine.Runtime;

namespace Reversal.Benchmarks.Workloads;

/// <summary>
/// Where our engine's train step spends its time: <see cref="OperationProfile"/> over a number of steps of a
/// <see cref="TrainStepWorkload"/>, grouped into the categories a kernel engineer acts on (GEMM, attention, norms,
/// activations, loss, element-wise, layout, embedding, optimizer) plus what no operation covers (objective batching,
/// autograd bookkeeping, the trainer).
/// </summary>
public sealed class StepBreakdown
{
    /// <summary>Each category and the tape operations (or session stretches) it holds.</summary>
    public static IReadOnlyList<(string Category, string[] Operations)> Categories { get; } =
    [
        ("gemm", ["Linear", "MatMul"]),
        ("attention", ["ScaledDotProductAttention", "Rope"]),
        ("norm", ["RmsNorm"]),
        ("activation", ["SwiGlu", "Silu", "Multiply"]),
        ("loss", ["CrossEntropy", "LogSoftmax", "Softmax"]),
        ("elementwise", ["Add", "Scale", "Sum", "Dropout"]),
        ("layout", ["Reshape", "Transpose", "Contiguous"]),
        ("embedding", ["Embedding"]),
        ("optimizer", ["AdamW.Step", "ZeroGradients", "GradientClipping"]),
    ];

    /// <summary>The category of the remainder: step time no profiled operation covers.</summary>
    public const string Unattributed = "unattributed";

    private StepBreakdown(double stepMilliseconds, IReadOnlyList<OperationTime> operations, int steps)
    {
        StepMilliseconds = stepMilliseconds;
        Operations = operations;
        Steps = steps;
    }

    /// <summary>Mean wall milliseconds of one profiled step.</summary>
    public double StepMilliseconds { get; }

    /// <summary>Every profiled operation and phase, totals over <see cref="Steps"/>.</summary>
    public IReadOnlyList<OperationTime> Operations { get; }

    /// <summary>Profiled steps.</summary>
    public int Steps { get; }

    /// <summary>
    /// Profiles <paramref name="steps"/> train steps after the train rows' warm-up (<see cref="Warmup.Step"/>: at least
    /// two steps and three seconds, which covers the JIT's optimisation of the step's code). Profile one objective at a
    /// time: a mix draws its objective per step, so a warm-up can miss one of them.
    /// </summary>
    public static StepBreakdown Measure(TrainStepWorkload.Preset preset, string objective, int steps)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1);
        using var workload = new TrainStepWorkload(preset, objective);
        Warmup.Run(() => workload.Step(), Warmup.Step);
        using var profile = OperationProfile.Start();
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < steps; i++) workload.Step();
        double milliseconds = clock.Elapsed.TotalMilliseconds / steps;
        profile.Dispose();
        return new StepBreakdown(milliseconds, profile.Entries, steps);
    }

    /// <summary>Milliseconds per step of every category (forward and backward together), in <see cref="Categories"/>
    /// order, then <see cref="Unattributed"/>.</summary>
    public IReadOnlyList<(string Category, double Milliseconds)> ByCategory()
    {
        var result = new List<(string, double)>();
        double covered = 0;
        foreach (var (category, operations) in Categories)
        {
            double ms = Operations.Where(o => operations.Contains(o.Operation)).Sum(o => o.Time.TotalMilliseconds) / Steps;
            covered += ms;
            result.Add((category, ms));
        }
        double unknown = Operations.Where(o => !Categories.Any(c => c.Operations.Contains(o.Operation))).Sum(o => o.Time.TotalMilliseconds) / Steps;
        result.Add((Unattributed, Math.Max(0, StepMilliseconds - covered - unknown) + unknown));
        return result;
    }

    /// <summary>The breakdown as a text table: per category ms/step and share; then per operation forward and backward.</summary>
    public string Format()
    {
        var text = new System.Text.StringBuilder();
        text.AppendLine(string.Create(CultureInfo.InvariantCulture, $"  step {StepMilliseconds,8:F1} ms"));
        foreach (var (category, ms) in ByCategory())
            text.AppendLine(string.Create(CultureInfo.InvariantCulture, $"  {category,-13} {ms,8:F1} ms  {100 * ms / StepMilliseconds,5:F1}%"));
        text.AppendLine("  per operation (ms/step, forward / backward, calls/step):");
        foreach (var group in Operations.GroupBy(o => o.Operation).OrderByDescending(g => g.Sum(o => o.Time.Ticks)))
        {
            double Ms(ProfilePhase phase) => group.Where(o => o.Phase == phase).Sum(o => o.Time.TotalMilliseconds) / Steps;
            long calls = group.Max(o => o.Calls) / Steps;
            string times = group.Key.Contains('.') || group.Key is "ZeroGradients" or "GradientClipping"
                ? string.Create(CultureInfo.InvariantCulture, $"{Ms(ProfilePhase.Other),8:F1}")
                : string.Create(CultureInfo.InvariantCulture, $"{Ms(ProfilePhase.Forward),8:F1} / {Ms(ProfilePhase.Backward),6:F1}");
            text.AppendLine(string.Create(CultureInfo.InvariantCulture, $"    {group.Key,-26} {times}   {calls,4}"));
        }
        return text.ToString();
    }
}
