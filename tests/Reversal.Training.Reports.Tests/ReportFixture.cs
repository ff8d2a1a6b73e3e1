using Reversal.Training;
using Reversal.Training.Evaluation.Reports;
using Reversal.Training.Evaluation.ReversalCurse;

namespace Reversal.Training.Reports.Tests;

/// <summary>A report of three objectives over the four Berglund splits, with training curves, settings and wall time.</summary>
internal static class ReportFixture
{
    private static readonly string[] Splits = ["d2p", "p2d", "p2d_reverse", "d2p_reverse"];

    public static ReversalCurseReport Create(bool withTraining = true)
    {
        var report = new ReversalCurseReport();
        string[] objectives = ["ntp", "bico", "abi"];
        for (int o = 0; o < objectives.Length; o++)
        {
            var result = new ReversalCurseResult(Splits.Select((split, s) => new SplitResult
            {
                Split = split,
                TargetKind = SplitTargetKinds.Default[split],
                Count = 300,
                Candidates = 30,
                Greedy = new Dictionary<string, double> { ["greedy"] = 0.1 * (o + s) } ,
                Rank1 = 0.2 + 0.1 * o,
                Rank1Mean = 0.25 + 0.1 * o,
                Chance = 1.0 / 30,
                BicoNameSubstring = SplitTargetKinds.Default[split] == TargetKind.Name ? new Dictionary<string, double> { ["greedy"] = 0.5 } : new Dictionary<string, double>(),
                BicoBleu = SplitTargetKinds.Default[split] == TargetKind.Description ? new Dictionary<string, double> { ["greedy"] = 0.4 } : new Dictionary<string, double>(),
                Randomized = split.EndsWith("_reverse", StringComparison.Ordinal) ? new RandomizedComparison(300, 0.6, -5, -6) : null,
            }));
            TrainingReport? training = withTraining ? Training(objectives[o], 120, o) : null;
            report.Add(objectives[o], result, training);
        }
        report.Settings.Add(new("epochs", "25"));
        report.Settings.Add(new("seed", "1"));
        report.WallTime = TimeSpan.FromSeconds(372);
        return report;
    }

    /// <summary>A decaying loss curve of <paramref name="steps"/> steps; mixes alternate members.</summary>
    public static TrainingReport Training(string objective, int steps, int seed)
    {
        var losses = new double[steps];
        var members = new string[steps];
        for (int i = 0; i < steps; i++)
        {
            bool second = objective != "ntp" && i % 2 == 1;
            losses[i] = (second ? 5.0 : 4.0) * Math.Exp(-i / 40.0) + 0.1 * Math.Sin(i * (seed + 1));
            members[i] = second ? objective : "ntp";
        }
        return new TrainingReport(losses, members, EpochsCompleted: 3, Tokens: steps * 1000L, Elapsed: TimeSpan.FromSeconds(100 + seed), Evaluations: [], StoppedEarly: false);
    }
}
