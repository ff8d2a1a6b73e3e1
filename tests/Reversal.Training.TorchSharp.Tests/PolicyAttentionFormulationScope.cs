using Reversal.Training.TorchSharp.Attention;

namespace Reversal.Training.TorchSharp.Tests;

/// <summary>Runs code with <see cref="PolicyAttention.DefaultFormulation"/> temporarily set (tests in this project run one at a time).</summary>
internal static class PolicyAttentionFormulationScope
{
    public static T With<T>(BicoAttentionFormulation formulation, Func<T> body)
    {
        var saved = PolicyAttention.DefaultFormulation;
        PolicyAttention.DefaultFormulation = formulation;
        try { return body(); }
        finally { PolicyAttention.DefaultFormulation = saved; }
    }
}
