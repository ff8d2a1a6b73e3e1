using Reversal.Training.Models;
using Reversal.Training.Objectives;

namespace Reversal.Training.TestSupport.Models;

/// <summary>Scores computed the plain way, one full forward per question, as references for the engines' faster paths.</summary>
public static class ReferenceScores
{
    /// <summary>log p(<paramref name="continuation"/> | <paramref name="prefix"/>) from one full causal forward over prefix + continuation.</summary>
    public static double ContinuationAlone(ICausalLanguageModel model, int[] prefix, int[] continuation)
    {
        int length = prefix.Length + continuation.Length - 1;
        int[] ids = [.. prefix, .. continuation.AsSpan(0, continuation.Length - 1)];
        var targets = Enumerable.Repeat(ObjectiveBatch.IgnoreIndex, length).ToArray();
        for (int j = 0; j < continuation.Length; j++) targets[prefix.Length - 1 + j] = continuation[j];
        return model.TargetLogProbabilities(new ModelInput(1, length, ids), targets).Sum();
    }
}
