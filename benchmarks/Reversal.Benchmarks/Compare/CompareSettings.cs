namespace Reversal.Benchmarks.Compare;

/// <summary>The compare command's options.</summary>
/// <param name="Output">Folder receiving compare.json.</param>
/// <param name="Threads">Threads of every engine (ours, LibTorch, the PyTorch script).</param>
/// <param name="Steps">Timed train steps per engine and objective in each round.</param>
/// <param name="Rounds">Interleaved rounds of the train-step measurements (the median of the round means counts).</param>
/// <param name="AttentionRuns">Timed attention calls per measurement.</param>
/// <param name="PyTorchScript">The PyTorch 1.13 peer script, or null to skip that peer.</param>
/// <param name="LibTorch">Whether to run the LibTorch (TorchSharp) peer.</param>
/// <param name="Groups">The measurement groups to run (<see cref="CompareGroups"/>).</param>
/// <param name="FmaThreads">Threads of the FMA-peak measurement.</param>
/// <param name="FmaIterations">Loop iterations per thread of one FMA-peak run.</param>
/// <param name="DecodeRuns">Interleaved rounds of one timed decoding run per engine (the median is reported).</param>
public sealed record CompareSettings(string Output, int Threads, int Steps, int Rounds, int AttentionRuns, string? PyTorchScript, bool LibTorch,
    IReadOnlySet<string> Groups, int FmaThreads, int FmaIterations, int DecodeRuns);
