namespace Reversal.Training.Engine.Autograd;

/// <summary>
/// Controls whether operations are recorded on the autograd tape, like <c>torch.no_grad()</c>, per logical flow: a
/// <see cref="NoGrad"/> scope covers the code after it on this thread, across <c>await</c>s and in tasks it starts,
/// and never another thread's or flow's work (so concurrent trainers and evaluators do not see each other's scopes).
/// </summary>
/// <example><code>
/// using (GradMode.NoGrad())
/// {
///     var logits = model.Forward(batch); // nothing recorded, no gradient buffers kept
/// }
/// </code></example>
public static class GradMode
{
    private static readonly AsyncLocal<int> s_disabledDepth = new();

    /// <summary>True when new operations are recorded in this flow.</summary>
    public static bool IsEnabled => s_disabledDepth.Value == 0;

    /// <summary>Disables recording in this flow until the returned scope is disposed. Scopes nest.</summary>
    public static NoGradScope NoGrad()
    {
        s_disabledDepth.Value++;
        return new NoGradScope();
    }

    internal static void Exit() => s_disabledDepth.Value--;

    /// <summary>A scope returned by <see cref="NoGrad"/>; disposing it restores recording.</summary>
    public readonly struct NoGradScope : IDisposable
    {
        /// <summary>Ends the scope.</summary>
        public void Dispose() => Exit();
    }
}
