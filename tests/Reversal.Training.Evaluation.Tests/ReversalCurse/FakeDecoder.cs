using Reversal.Training.Generation;
using Reversal.Training.Models;
using Reversal.Training.Engine.Llama;

namespace Reversal.Training.Evaluation.Tests.ReversalCurse;

/// <summary>A decoder returning whatever <see cref="Answer"/> says, recording every call.</summary>
internal sealed class FakeDecoder(string name, Func<int[], int[]> answer) : ICompletionDecoder
{
    public string Name { get; } = name;

    public Func<int[], int[]> Answer { get; } = answer;

    public List<(int[] Prompt, int MaxNewTokens, int StopId)> Calls { get; } = [];

    public int[] Decode(ICausalLanguageModel model, int[] promptIds, int maxNewTokens, int stopId)
    {
        Calls.Add((promptIds, maxNewTokens, stopId));
        return Answer(promptIds);
    }
}
