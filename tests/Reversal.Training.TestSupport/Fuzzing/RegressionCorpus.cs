using NUnit.Framework;

namespace Reversal.Training.TestSupport.Fuzzing;

/// <summary>
/// The regression corpus of a test project: small crafted or fuzzer-found inputs kept as files under
/// <c>Corpus/&lt;parser&gt;/</c> (copied to the test output), each named <c>&lt;outcome&gt;--&lt;what it is&gt;.&lt;ext&gt;</c>
/// where the outcome is <see cref="Loads"/> or the name of the exception the loader must throw. Adding a case is
/// adding a file.
/// </summary>
public static class RegressionCorpus
{
    /// <summary>The outcome of an input that must load.</summary>
    public const string Loads = "loads";

    /// <summary>The files of <paramref name="parser"/>'s corpus as NUnit cases (one per file, named after it).</summary>
    public static IEnumerable<TestCaseData> Cases(string parser)
    {
        string folder = Path.Combine(AppContext.BaseDirectory, "Corpus", parser);
        if (!Directory.Exists(folder))
        {
            yield return new TestCaseData(Path.Combine(folder, "missing")).SetName($"corpus {parser} is missing from the test output");
            yield break;
        }
        foreach (string file in Directory.EnumerateFiles(folder).Order(StringComparer.Ordinal))
            yield return new TestCaseData(file).SetName($"{parser}: {Path.GetFileName(file)}");
    }

    /// <summary>The outcome a corpus file's name records: <see cref="Loads"/> or an exception type name.</summary>
    public static string Outcome(string file)
    {
        string name = Path.GetFileName(file);
        int separator = name.IndexOf("--", StringComparison.Ordinal);
        Assert.That(separator, Is.GreaterThan(0), $"corpus file '{name}' must be named <outcome>--<description>");
        return name[..separator];
    }

    /// <summary>
    /// Loads <paramref name="file"/> with <paramref name="load"/> and asserts the outcome its name records, within
    /// <see cref="Bounded.Second"/> and <paramref name="maxAllocatedBytes"/>.
    /// </summary>
    public static void Check(string file, Action load, long maxAllocatedBytes)
    {
        Assert.That(File.Exists(file), Is.True, $"corpus file {file}");
        string expected = Outcome(file);
        var (exception, allocated, elapsed) = Bounded.Run(load, Bounded.Second);
        string actual = exception is null ? Loads : exception.GetType().Name;
        Assert.That(actual, Is.EqualTo(expected), () => $"{Path.GetFileName(file)}: {exception}");
        Assert.That(allocated, Is.LessThanOrEqualTo(maxAllocatedBytes), $"{Path.GetFileName(file)}: allocated {allocated:N0} bytes in {elapsed.TotalMilliseconds:0} ms");
        TestContext.Out.WriteLine($"{Path.GetFileName(file)}: {actual} in {elapsed.TotalMilliseconds:0.0} ms, {allocated:N0} bytes allocated" +
                                  (exception is null ? "" : $"\n  {exception.Message}"));
    }
}
