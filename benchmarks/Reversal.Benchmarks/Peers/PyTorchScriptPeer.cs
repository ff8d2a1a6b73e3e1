using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Reversal.Benchmarks.Peers;

/// <summary>
/// The PyTorch 1.13 peer: runs <c>shared/bench/torch_llama.py</c> with <c>/usr/bin/python3</c> (Debian's python3-torch, OpenBLAS) and parses what it prints.
/// </summary>
public sealed partial class PyTorchScriptPeer(string scriptPath, int threads)
{
    /// <summary>Finds <c>shared/bench/torch_llama.py</c> next to the repository (walking up from the current folder).</summary>
    public static string? Locate()
    {
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "shared", "bench", "torch_llama.py");
            if (File.Exists(candidate)) return candidate;
            string sibling = Path.Combine(dir.FullName, "..", "shared", "bench", "torch_llama.py");
            if (File.Exists(Path.Combine(dir.FullName, "Reversal.Training.slnx")) && File.Exists(sibling)) return Path.GetFullPath(sibling);
        }
        return null;
    }

    /// <summary>True when <c>/usr/bin/python3</c> imports torch.</summary>
    public static bool TorchAvailable() => Run("/usr/bin/python3", ["-c", "import torch"], out _) == 0;

    /// <summary>Train-step throughput (tok/s) keyed "tiny.causal", "tiny.bico", "small.causal", "small.bico".</summary>
    public Dictionary<string, double> TrainThroughput()
    {
        var result = new Dictionary<string, double>();
        foreach (Match m in TrainLine().Matches(RunScript("train")))
            result[$"{m.Groups[1].Value}.{m.Groups[2].Value}"] = double.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture);
        return result;
    }

    /// <summary>Attention forward + backward at B4 H8 hd64: milliseconds and peak RSS growth in MB (its own process).</summary>
    public (double Milliseconds, double PeakMegabytes) Attention(string mode, int length)
    {
        var m = AttentionLine().Match(RunScript($"attn-{mode}-{length}"));
        if (!m.Success) throw new InvalidOperationException($"The peer printed no attention line for {mode} T={length}.");
        return (double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture));
    }

    /// <summary>SGEMM GFLOP/s keyed "MxKxN".</summary>
    public Dictionary<string, double> Gemm()
    {
        var result = new Dictionary<string, double>();
        foreach (Match m in GemmLine().Matches(RunScript("gemm")))
            result[m.Groups[1].Value] = double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
        return result;
    }

    /// <remarks>
    /// The script measures attention memory as growth of <c>ru_maxrss</c>, which Linux carries from a parent's address
    /// space into a child it execs directly: started from this process (hundreds of MB after the train steps) the
    /// script's growth stayed hidden under our peak and read 0. Python is therefore started by a shell that does not
    /// exec it (<c>; exit $?</c> after it), so its peak starts from the shell's few MB.
    /// </remarks>
    private string RunScript(string what)
    {
        int code = Run("/bin/sh", ["-c", "\"$0\" \"$@\"; exit $?", "/usr/bin/python3", scriptPath, threads.ToString(CultureInfo.InvariantCulture), what], out string output);
        if (code != 0) throw new InvalidOperationException($"The peer ({scriptPath} {what}) failed with exit code {code}: {output}");
        return output;
    }

    private static int Run(string file, IEnumerable<string> arguments, out string output)
    {
        try
        {
            var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (string argument in arguments) start.ArgumentList.Add(argument);
            using var process = Process.Start(start)!;
            var stderr = process.StandardError.ReadToEndAsync();
            output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            output += stderr.Result;
            return process.ExitCode;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            output = e.Message;
            return -1;
        }
    }

    [GeneratedRegex(@"train\s+(\w+)\s+(\w+)\s+step\s+[\d.]+ ms\s+(\d+) tok/s")]
    private static partial Regex TrainLine();

    [GeneratedRegex(@"fwd\+bwd\s+([\d.]+) ms\s+peak RSS growth\s+([\d.]+) MB")]
    private static partial Regex AttentionLine();

    [GeneratedRegex(@"gemm\s+(\d+x\d+x\d+)\s+[\d.]+ ms\s+([\d.]+) GFLOP/s")]
    private static partial Regex GemmLine();
}
