namespace Reversal.Training.Engine.Autograd;

/// <summary>
/// Controls whether operations are recorded on the autograd tape (per thread), like <c>torch.no_grad()</c>.
/// </summary>
/// <example><code>
/// using (GradMode.NoGrad())
/// {
///     var logits = model.Forward(batch); // nothing recorded, no gradient buffers kept
/// }
/// </code></example>
public static class GradMode
{
    [ThreadStatic] private static int _disabledDepth;

    /// <summary>True when new operations are recorded on this thread.</summary>
    public static bool IsEnabled => _disabledDepth == 0;

    /// <summary>Disables recording on this thread until the returned scope is disposed. Scopes nest.</summary>
    public static NoGradScope NoGrad()
    {
        _disabledDepth++;
        return new NoGradScope();
    }

    internal static void Exit() => _disabledDepth--;

    /// <summary>A scope returned by <see cref="NoGrad"/>; disposing it restores recording.</summary>
    public readonly struct NoGradScope : IDisposable
    {
        /// <summary>Ends the scope.</summary>
        public void Dispose() => Exit();
    }
}
