using System.Text;
using System.Text.Json;
using Reversal.Training.Serialization;

namespace Reversal.Training.Core.Tests.Serialization;

/// <summary>The one strict JSON reader: each rule, the position it reports, and that only the caller's exception leaves.</summary>
public class StrictJsonTests
{
    /// <summary>The caller's typed exception in these tests: carries the problem.</summary>
    private sealed class Refusal(StrictJsonProblem problem) : FormatException(problem.ToString())
    {
        public StrictJsonProblem Problem { get; } = problem;
    }

    private static StrictJsonProblem Refused(byte[] json, bool requireObject = false)
    {
        var ex = Assert.Throws<Refusal>(() =>
        {
            using var _ = requireObject ? StrictJson.ParseObject(json, p => new Refusal(p)) : StrictJson.Parse(json, p => new Refusal(p));
        })!;
        return ex.Problem;
    }

    private static StrictJsonProblem Refused(string json, bool requireObject = false) => Refused(Encoding.UTF8.GetBytes(json), requireObject);

    [Test]
    public void Valid_JSON_parses_and_every_string_reads()
    {
        using var document = StrictJson.ParseObject("{\"a\": [\"x\\u00e9\", \"\\ud83d\\ude00\", {\"b\": null}], \"\\u0063\": 1.5}"u8.ToArray(), p => new Refusal(p));
        var root = document.RootElement;
        Assert.That(root.GetProperty("a")[0].GetString(), Is.EqualTo("xé"));
        Assert.That(root.GetProperty("a")[1].GetString(), Is.EqualTo("😀"), "an escaped surrogate pair is valid");
        Assert.That(root.GetProperty("c").GetDouble(), Is.EqualTo(1.5));
    }

    [Test]
    public void Invalid_UTF8_is_refused_at_its_first_bad_byte()
    {
        byte[] json = [(byte)'{', (byte)'"', (byte)'a', (byte)'"', (byte)':', (byte)'"', 0xC3, 0x28, (byte)'"', (byte)'}'];
        var problem = Refused(json);
        Assert.Multiple(() =>
        {
            Assert.That(problem.Kind, Is.EqualTo(StrictJsonProblemKind.InvalidUtf8));
            Assert.That(problem.ByteOffset, Is.EqualTo(6));
            Assert.That(problem.Problem, Does.Contain("byte 0xC3"));
            Assert.That(problem.Description, Is.EqualTo("not valid UTF-8 (byte 0xC3 does not start a valid sequence) at byte 6"));
        });
    }

    [TestCase(new byte[] { 0xED, 0xA0, 0x80 }, TestName = "an encoded surrogate")]
    [TestCase(new byte[] { 0xC0, 0x80 }, TestName = "an overlong NUL")]
    [TestCase(new byte[] { 0xF4, 0x90, 0x80, 0x80 }, TestName = "a code point above U+10FFFF")]
    [TestCase(new byte[] { 0xE2, 0x82 }, TestName = "a truncated sequence")]
    public void Every_kind_of_invalid_UTF8_is_refused(byte[] bad)
    {
        byte[] json = [.. "[\""u8, .. bad, .. "\"]"u8];
        Assert.That(Refused(json).Kind, Is.EqualTo(StrictJsonProblemKind.InvalidUtf8));
    }

    [TestCase("{\"a\": \"\\ud800\"}", "a", TestName = "a lone high surrogate in a value")]
    [TestCase("{\"a\": [\"ok\", \"x\\udc00\"]}", "a.[1]", TestName = "a lone low surrogate in an array item")]
    [TestCase("{\"\\ud800\": 1}", null, TestName = "a lone surrogate in a key")]
    [TestCase("[\"\\ud800\\u0041\"]", "[0]", TestName = "a high surrogate followed by a letter")]
    public void Escapes_that_are_not_valid_UTF16_are_refused(string json, string? path)
    {
        var problem = Refused(json);
        Assert.That(problem.Kind, Is.EqualTo(StrictJsonProblemKind.InvalidString));
        Assert.That(problem.Problem, Does.Contain("lone surrogate"));
        if (path is not null) Assert.That(problem.PathText, Is.EqualTo(path.Replace(".[", "[")));
    }

    [Test]
    public void A_repeated_key_is_refused_with_its_path_and_position()
    {
        var problem = Refused("{\"a\": {\"b\": 1,\n \"b\": 2}}");
        Assert.Multiple(() =>
        {
            Assert.That(problem.Kind, Is.EqualTo(StrictJsonProblemKind.DuplicateKey));
            Assert.That(problem.Path, Is.EqualTo(new[] { "a", "b" }));
            Assert.That(problem.PathText, Is.EqualTo("a.b"));
            Assert.That(problem.ByteOffset, Is.EqualTo(16));
            Assert.That((problem.Line, problem.Column), Is.EqualTo((2L, 2L)));
            Assert.That(problem.Description, Is.EqualTo("the key 'b' appears more than once at byte 16 (line 2, column 2)"));
        });
    }

    [Test]
    public void Keys_are_compared_after_unescaping()
    {
        Assert.That(Refused("{\"ab\": 1, \"\\u0061b\": 2}").Kind, Is.EqualTo(StrictJsonProblemKind.DuplicateKey));
    }

    [Test]
    public void The_same_key_in_different_objects_is_allowed()
    {
        using var document = StrictJson.Parse("[{\"a\": 1}, {\"a\": 2}, {\"b\": {\"a\": 3}, \"a\": 4}]"u8.ToArray(), p => new Refusal(p));
        Assert.That(document.RootElement.GetArrayLength(), Is.EqualTo(3));
    }

    [TestCase("{\"a\": 1,}", TestName = "a trailing comma")]
    [TestCase("{\"a\": 1} // note", TestName = "a comment")]
    [TestCase("{} {}", TestName = "two values")]
    [TestCase("", TestName = "nothing")]
    [TestCase("{\"a\": 01}", TestName = "a leading zero")]
    [TestCase("{\"a\": NaN}", TestName = "NaN")]
    [TestCase("{'a': 1}", TestName = "single quotes")]
    [TestCase("\uFEFF{}", TestName = "a byte-order mark")]
    [TestCase("[\"a\u0001\"]", TestName = "a raw control character in a string")]
    public void Anything_but_one_JSON_value_is_refused(string json)
    {
        var problem = Refused(json);
        Assert.That(problem.Kind, Is.EqualTo(StrictJsonProblemKind.InvalidJson));
        Assert.That(problem.Problem, Does.StartWith("not valid JSON ("));
        Assert.That(problem.Problem, Does.Not.Contain("LineNumber"), "the position is reported once, in our form");
    }

    [Test]
    public void A_syntax_error_reports_its_line_and_column()
    {
        var problem = Refused("{\n  \"a\": [1,\n  }");
        Assert.That((problem.Line, problem.Column, problem.ByteOffset), Is.EqualTo((3L, 3L, 15L)));
        Assert.That(problem.PathText, Is.Null, "a syntax error is located by position only");
    }

    [Test]
    public void Nesting_is_limited_to_MaxDepth()
    {
        string Nested(int depth) => new string('[', depth) + new string(']', depth);
        using (StrictJson.Parse(Encoding.ASCII.GetBytes(Nested(StrictJson.MaxDepth)), p => new Refusal(p))) { }
        var problem = Refused(Nested(StrictJson.MaxDepth + 1));
        Assert.That(problem.Kind, Is.EqualTo(StrictJsonProblemKind.InvalidJson));
        Assert.That(problem.Problem, Does.Contain("depth"));
        Assert.That(Refused(Nested(100_000)).Kind, Is.EqualTo(StrictJsonProblemKind.InvalidJson), "very deep nesting is refused, not a stack overflow");
    }

    [TestCase("[1, 2]", "array")]
    [TestCase("  \"text\"", "string")]
    [TestCase("null", "null")]
    public void ParseObject_refuses_other_roots(string json, string kind)
    {
        var problem = Refused(json, requireObject: true);
        Assert.That(problem.Kind, Is.EqualTo(StrictJsonProblemKind.NotAnObject));
        Assert.That(problem.Problem, Is.EqualTo($"the content is a JSON {kind}, not an object"));
        Assert.That(problem.ByteOffset, Is.EqualTo(json.Length - json.TrimStart().Length));
    }

    [Test]
    public void Only_the_callers_exception_leaves_for_any_problem()
    {
        string[] inputs = ["{\"a\": \"\\ud800\"}", "{\"a\":1,\"a\":2}", "[", "{\"a\": 1e999}"];
        foreach (string json in inputs)
        {
            try
            {
                using var document = StrictJson.ParseObject(Encoding.UTF8.GetBytes(json), p => new Refusal(p));
                // Numbers out of double range parse (JSON has no limit); reading them is the caller's business.
                Assert.That(document.RootElement.GetProperty("a").TryGetDouble(out double value) && double.IsInfinity(value), Is.True, json);
            }
            catch (Refusal)
            {
            }
        }
    }

    [Test]
    public void Excerpt_cuts_long_values_without_splitting_a_character()
    {
        string long_ = "[\"" + new string('é', 200) + "\"]";
        using var document = StrictJson.Parse(Encoding.UTF8.GetBytes(long_), p => new Refusal(p));
        string excerpt = StrictJson.Excerpt(document.RootElement, maxBytes: 10);
        Assert.That(excerpt, Is.EqualTo("[\"éééé…"));
        Assert.That(StrictJson.Excerpt(document.RootElement[0], maxBytes: 1000), Has.Length.EqualTo(202));
    }

    [TestCase("[{}]", TestName = "empty objects")]
    [TestCase("[{\"a\":0}]", TestName = "objects with one key")]
    [TestCase("[[0,\"x\",\"\\u0041\"]]", TestName = "arrays of values and escaped strings")]
    public void The_validating_pass_allocates_nothing_per_value_or_object(string unit)
    {
        // 100,000 repetitions of the unit; pooled buffers are warmed up first, as in a process that loads many files.
        byte[] json = Encoding.ASCII.GetBytes("[" + string.Join(",", Enumerable.Repeat(unit[1..^1], 100_000)) + "]");
        for (int i = 0; i < 2; i++) using (StrictJson.Parse(json, p => new Refusal(p))) { }
        long before = GC.GetAllocatedBytesForCurrentThread();
        using (StrictJson.Parse(json, p => new Refusal(p))) { }
        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.LessThan(4096), $"{json.Length:N0} bytes parsed");
    }

    [Test]
    public void An_object_with_many_keys_is_checked_for_repeats_in_pooled_memory()
    {
        byte[] json = Encoding.ASCII.GetBytes("{" + string.Join(",", Enumerable.Range(0, 100_000).Select(i => $"\"k{i}\":0")) + "}");
        for (int i = 0; i < 2; i++) using (StrictJson.Parse(json, p => new Refusal(p))) { }
        long before = GC.GetAllocatedBytesForCurrentThread();
        using (StrictJson.Parse(json, p => new Refusal(p))) { }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.That(allocated, Is.LessThan(4096), "the key buffer and the open-addressing table come from the pool");
        Assert.That(Refused("{" + string.Join(",", Enumerable.Range(0, 1000).Select(i => $"\"k{i}\":0")) + ",\"k17\":1}").PathText, Is.EqualTo("k17"));
    }

    [Test]
    public void A_null_callback_is_an_argument_error()
    {
        Assert.Throws<ArgumentNullException>(() => StrictJson.Parse("{}"u8.ToArray(), null!));
    }

    [Test]
    public void Describe_names_every_JSON_kind()
    {
        Assert.That(Enum.GetValues<JsonValueKind>().Where(k => k != JsonValueKind.Undefined).Select(StrictJson.Describe),
            Is.EqualTo(new[] { "object", "array", "string", "number", "boolean", "boolean", "null" }));
    }
}
