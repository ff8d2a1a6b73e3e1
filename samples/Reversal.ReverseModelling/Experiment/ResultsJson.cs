using System.Text;
using System.Text.Json;

namespace Reversal.ReverseModelling.Experiment;

/// <summary>The experiment's results as JSON (results.json), every held-out document's losses included.</summary>
internal static class ResultsJson
{
    public static string Render(ExperimentResult r, ExperimentSettings settings)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("data", r.DataDescription);
            json.WriteStartObject("settings");
            json.WriteNumber("documents", settings.Documents);
            json.WriteNumber("held_out_share", settings.HeldOut);
            json.WriteNumber("epochs", settings.Epochs);
            json.WriteNumber("vocab_size", settings.VocabSize);
            json.WriteNumber("max_tokens", settings.MaxTokens);
            json.WriteNumber("seed", settings.Seed);
            json.WriteNumber("threads", settings.Threads);
            json.WriteEndObject();
            json.WriteNumber("train_documents", r.TrainDocuments);
            json.WriteNumber("held_out_documents", r.HeldOutDocuments);
            json.WriteNumber("forward_final_loss", r.ForwardFinalLoss);
            json.WriteNumber("reverse_final_loss", r.ReverseFinalLoss);
            json.WriteNumber("elapsed_seconds", Math.Round(r.Elapsed.TotalSeconds, 1));
            json.WriteStartArray("separation");
            foreach (var row in r.Separation)
            {
                json.WriteStartObject();
                json.WriteString("score", row.Name);
                json.WriteNumber("auc", row.Auc);
                json.WriteStartObject("auc_by_kind");
                foreach (var (kind, auc) in row.AucByKind) json.WriteNumber(kind, auc);
                json.WriteEndObject();
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteStartArray("selection");
            foreach (var row in r.Selection)
            {
                json.WriteStartObject();
                json.WriteString("rule", row.Rule);
                foreach (var (percent, share) in row.NaturalShareByPercent) json.WriteNumber($"natural_share_top_{percent}", share);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteStartArray("losses");
            foreach (var row in r.Losses)
            {
                json.WriteStartObject();
                json.WriteString("group", row.Group);
                json.WriteNumber("count", row.Count);
                json.WriteNumber("mean_forward_loss", row.MeanForward);
                json.WriteNumber("mean_reverse_loss", row.MeanReverse);
                json.WriteNumber("share_easier_backwards", row.ShareEasierBackwards);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteNumber("loss_correlation", r.LossCorrelation);
            json.WriteStartArray("documents");
            foreach (var d in r.Documents)
            {
                json.WriteStartObject();
                json.WriteString("kind", d.Kind);
                json.WriteString("source", d.Source);
                json.WriteNumber("forward_loss", d.ForwardLoss);
                json.WriteNumber("reverse_loss", d.ReverseLoss);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }
}
