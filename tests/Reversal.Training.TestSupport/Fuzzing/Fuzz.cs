using NUnit.Framework;

namespace Reversal.Training.TestSupport.Fuzzing;

/// <summary>
/// Runs a fuzz target inside an NUnit test: prints the report (and appends its markdown row to
/// <c>fuzz-report.md</c> in the test's work folder), saves failing inputs under <c>fuzz-failures/</c>, and fails the
/// test on any untyped exception, hang or input over the memory bound.
/// </summary>
public static class Fuzz
{
    /// <summary>The inputs every parser gets in CI (issue 9 asks for at least 10,000).</summary>
    public const int InputsPerParser = 10_000;

    /// <summary>Fuzzes <paramref name="target"/> with <see cref="InputsPerParser"/> inputs (unless <paramref name="options"/> say otherwise) and asserts the report is clean.</summary>
    public static FuzzReport Check(FuzzTarget target, FuzzOptions? options = null)
    {
        string work = TestContext.CurrentContext.WorkDirectory;
        options ??= new FuzzOptions { Inputs = InputsPerParser };
        if (options.ArtifactDirectory is null) options = options with { ArtifactDirectory = Path.Combine(work, "fuzz-failures") };
        var report = MutationFuzzer.Run(target, options);
        TestContext.Out.WriteLine(report.ToString());
        TestContext.Out.WriteLine(FuzzReport.MarkdownHeader);
        TestContext.Out.WriteLine(report.MarkdownRow);
        lock (typeof(Fuzz)) File.AppendAllText(Path.Combine(work, "fuzz-report.md"), report.MarkdownRow + Environment.NewLine);
        Assert.Multiple(() =>
        {
            Assert.That(report.Inputs, Is.EqualTo(options.Inputs), "every input was tried");
            Assert.That(report.Untyped, Is.Zero, "inputs that threw an undocumented exception:\n" + report);
            Assert.That(report.Hangs, Is.Zero, "inputs that did not finish in time:\n" + report);
            Assert.That(report.OverMemory, Is.Zero, "inputs that allocated more than the bound:\n" + report);
        });
        return report;
    }
}
