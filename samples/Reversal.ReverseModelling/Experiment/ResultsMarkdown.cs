using System.Globalization;
using System.Text;

namespace Reversal.ReverseModelling.Experiment;

/// <summary>The experiment's tables as Markdown (results.md, and the console).</summary>
internal static class ResultsMarkdown
{
    public static string Render(ExperimentResult r)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"Data: {r.DataDescription}. {r.TrainDocuments:N0} training and {r.HeldOutDocuments:N0} held-out documents, BPE vocabulary {r.VocabSize:N0}; final training loss forward {F(r.ForwardFinalLoss)}, reverse {F(r.ReverseFinalLoss)}; {r.Elapsed.TotalMinutes:F1} min.\n\n");

        string[] kinds = [.. r.Separation[0].AucByKind.Keys];
        text.Append("**How well each score separates natural from degraded held-out documents (ROC AUC; 0.5 = chance)**\n\n");
        Row(text, ["score", "all degraded", .. kinds]);
        Row(text, ["---", "---", .. kinds.Select(_ => "---")]);
        foreach (var row in r.Separation) Row(text, [row.Name, F(row.Auc), .. kinds.Select(k => F(row.AucByKind[k]))]);

        text.Append("\n**Share of natural documents among the top k% of held-out documents**\n\n");
        int[] percents = ReverseModellingExperiment.SelectionPercents;
        Row(text, ["selection", .. percents.Select(p => $"top {p}%")]);
        Row(text, ["---", .. percents.Select(_ => "---")]);
        foreach (var row in r.Selection) Row(text, [row.Rule, .. percents.Select(p => Percent(row.NaturalShareByPercent[p]))]);

        text.Append(CultureInfo.InvariantCulture, $"\n**Forward vs reverse loss on held-out documents** (Pearson correlation of the two {F(r.LossCorrelation)})\n\n");
        Row(text, ["documents", "count", "mean L_fwd", "mean L_rev", "easier backwards (S > 0)"]);
        Row(text, ["---", "---", "---", "---", "---"]);
        foreach (var row in r.Losses) Row(text, [row.Group, row.Count.ToString(CultureInfo.InvariantCulture), F(row.MeanForward), F(row.MeanReverse), Percent(row.ShareEasierBackwards)]);
        return text.ToString();
    }

    private static string F(double value) => value.ToString("0.000", CultureInfo.InvariantCulture);

    private static string Percent(double value) => (value * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%";

    private static void Row(StringBuilder text, IEnumerable<string> cells) => text.Append("| ").AppendJoin(" | ", cells).Append(" |\n");
}
