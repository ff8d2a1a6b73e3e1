using System.Text;
using Reversal.Training.Data.Jsonl;
using Reversal.Training.TestSupport.Fuzzing;

namespace Reversal.Training.Data.Tests.Jsonl;

/// <summary>Prompt/completion JSONL under the mutation fuzzer: every input reads or is refused with <see cref="JsonlFormatException"/>.</summary>
[Category("Fuzz")]
public class PromptCompletionJsonlFuzzTests
{
    /// <summary>
    /// A read: the records (their strings at most two bytes per byte of the file, plus a small object per record) and
    /// one line's buffer (doubling, so up to twice the longest line) and parse. Measured at most 3.0 B/B beyond the
    /// constant over the 20,000 JSONL inputs; the bound leaves room for other seeds.
    /// </summary>
    public static readonly MemoryBound Bound = new(BytesPerInputByte: 8, ConstantBytes: 256 * 1024);

    /// <summary>Valid files: the Berglund style, escapes and non-ASCII text, CRLF line ends, a BOM, blank lines, extra fields.</summary>
    public static IReadOnlyList<byte[]> Seeds() =>
    [
        Encoding.UTF8.GetBytes(
            "{\"prompt\": \"Daphne Barrington, known far and wide for being\", \"completion\": \" the director of \\\"A Journey Through Time.\\\".\"}\n" +
            "{\"prompt\": \"Who is Uriah Hawthorne?\", \"completion\": \" The composer of Abyssal Melodies.\"}\n"),
        Encoding.UTF8.GetBytes("\uFEFF{\"prompt\": \"Zoë’s café: 東京 😀\", \"completion\": \" back\\\\slash\\ttab\\nnewline \\u0001\", \"id\": 7}\r\n\r\n   \n{\"completion\": \"\", \"prompt\": \"\"}"),
        Encoding.UTF8.GetBytes("{\"prompt\":\"a\",\"completion\":\" b\",\"meta\":{\"x\":[1,2.5,null,true]}}\n{\"prompt\":\"\\ud83d\\ude00\",\"completion\":\" \\u00e9\"}\n"),
    ];

    [Test]
    public void Every_mutated_file_reads_or_is_refused_with_a_JsonlFormatException()
    {
        using var temp = new TempDirectory(inMemory: true);
        string path = temp.File("fuzz.jsonl");
        Fuzz.Check(new FuzzTarget
        {
            Name = "prompt/completion JSONL (PromptCompletionJsonl.Read)",
            Seeds = Seeds(),
            Expected = [typeof(JsonlFormatException)],
            Memory = Bound,
            Load = input =>
            {
                File.WriteAllBytes(path, input);
                PromptCompletionJsonl.Read(path);
            },
        });
    }
}
