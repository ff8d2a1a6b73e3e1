using System.Diagnostics;
using System.Text.Json;

namespace Reversal.Training.Engine.Tests.Serialization;

/// <summary>
/// The committed fixtures under <c>tests/Reversal.Training.Engine.Tests/Fixtures</c> (under the <see cref="RepositoryRoot"/>) and the Python reference script next to them.
/// </summary>
internal static class FixtureFiles
{
    /// <summary>The fixtures folder; fails the test when the repository cannot be found.</summary>
    public static string Root() => RepositoryRoot.Folder("tests", "Reversal.Training.Engine.Tests", "Fixtures");

    /// <summary>A fixture checkpoint folder, e.g. <c>hf-llama-f32</c>.</summary>
    public static string Folder(string name)
    {
        string path = Path.Combine(Root(), name);
        Assert.That(Directory.Exists(path), Is.True, $"fixture {path}");
        return path;
    }

    /// <summary>The ids and logits recorded by the Python reference in <c>logits.json</c>.</summary>
    public static (int[][] Ids, int[] Shape, float[] Logits) RecordedLogits(string folder)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(folder, "logits.json")));
        var root = document.RootElement;
        var ids = root.GetProperty("input_ids").EnumerateArray().Select(row => row.EnumerateArray().Select(x => x.GetInt32()).ToArray()).ToArray();
        var shape = root.GetProperty("shape").EnumerateArray().Select(x => x.GetInt32()).ToArray();
        var logits = new List<float>();
        Flatten(root.GetProperty("logits"), logits);
        return (ids, shape, logits.ToArray());
    }

    /// <summary>Flattens nested JSON number arrays in row-major order.</summary>
    public static void Flatten(JsonElement element, List<float> into)
    {
        if (element.ValueKind == JsonValueKind.Array)
            foreach (var item in element.EnumerateArray()) Flatten(item, into);
        else into.Add((float)element.GetDouble());
    }

    /// <summary>
    /// Runs the Python reference script with <paramref name="arguments"/> and returns its stdout; ignores the test
    /// when <c>/usr/bin/python3</c> with torch is not available.
    /// </summary>
    public static string RunPythonReference(params string[] arguments) => RunPythonScript("make_hf_llama_fixture.py", arguments);

    /// <summary>
    /// Runs the fixtures folder's Python <paramref name="script"/> with <paramref name="arguments"/> and returns its
    /// stdout; ignores the test when <c>/usr/bin/python3</c> with torch is not available.
    /// </summary>
    public static string RunPythonScript(string script, params string[] arguments)
    {
        const string python = "/usr/bin/python3";
        if (!File.Exists(python)) Assert.Ignore($"{python} is not available.");
        var (probeCode, _, _) = Run(python, ["-c", "import torch, numpy"]);
        if (probeCode != 0) Assert.Ignore("Python's torch or numpy is not available.");
        var (code, stdout, stderr) = Run(python, [Path.Combine(Root(), script), .. arguments]);
        Assert.That(code, Is.EqualTo(0), () => $"python reference failed:\n{stderr}");
        return stdout;
    }

    private static (int Code, string Stdout, string Stderr) Run(string file, string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{file} did not finish within 2 minutes.");
        }
        return (process.ExitCode, stdout.Result, stderr.Result);
    }
}
