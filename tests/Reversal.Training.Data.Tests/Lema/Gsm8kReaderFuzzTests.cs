using System.Text;
using Reversal.Training.Data.Jsonl;
using Reversal.Training.Data.Lema;
using Reversal.Training.TestSupport.Fuzzing;

namespace Reversal.Training.Data.Tests.Lema;

/// <summary>GSM8K JSONL under the mutation fuzzer: every input reads or is refused with <see cref="JsonlFormatException"/>.</summary>
[Category("Fuzz")]
public class Gsm8kReaderFuzzTests
{
    /// <summary>Valid GSM8K files: the original layout, thousands separators and negative answers, CRLF and a BOM.</summary>
    public static IReadOnlyList<byte[]> Seeds() =>
    [
        Encoding.UTF8.GetBytes(
            "{\"question\": \"Natalia sold clips to 48 of her friends in April, and then she sold half as many clips in May. How many clips did Natalia sell altogether in April and May?\", " +
            "\"answer\": \"Natalia sold 48/2 = <<48/2=24>>24 clips in May.\\nNatalia sold 48+24 = <<48+24=72>>72 clips altogether in April and May.\\n#### 72\"}\n" +
            "{\"question\": \"A loss?\", \"answer\": \"It fell by 1,250.\\n#### -1,250\"}\n"),
        Encoding.UTF8.GetBytes("\uFEFF{\"question\": \"Zoë has 3 €?\", \"answer\": \"#### 3.5\", \"source\": \"x\"}\r\n\r\n{\"answer\": \"####0\", \"question\": \"\"}"),
    ];

    [Test]
    public void Every_mutated_file_reads_or_is_refused_with_a_JsonlFormatException()
    {
        using var temp = new TempDirectory(inMemory: true);
        string path = temp.File("gsm8k.jsonl");
        Fuzz.Check(new FuzzTarget
        {
            Name = "GSM8K JSONL (Gsm8kReader.Read)",
            Seeds = Seeds(),
            Expected = [typeof(JsonlFormatException)],
            Memory = Jsonl.PromptCompletionJsonlFuzzTests.Bound,
            Load = input =>
            {
                File.WriteAllBytes(path, input);
                Gsm8kReader.Read(path);
            },
        });
    }
}
