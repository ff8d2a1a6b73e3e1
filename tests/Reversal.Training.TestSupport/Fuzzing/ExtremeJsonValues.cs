using System.Text;

namespace Reversal.Training.TestSupport.Fuzzing;

/// <summary>
/// JSON values at the edges of what a loader reads: integer and float boundaries, the numbers of issue 16, every JSON
/// type in place of another, invalid strings, long strings and deep nesting.
/// </summary>
public static class ExtremeJsonValues
{
    /// <summary>The values, as JSON text.</summary>
    public static IReadOnlyList<string> All { get; } = Build();

    private static List<string> Build()
    {
        var values = new List<string>
        {
            "0", "-0", "1", "-1", "2", "3", "7", "8", "65535", "65536", "99999", "1000000", "99999999", "2147483646",
            "2147483647", "2147483648", "-2147483648", "-2147483649", "4294967295", "4294967296", "9223372036854775807",
            "9223372036854775808", "-9223372036854775808", "-9223372036854775809", "18446744073709551615",
            "18446744073709551616", "123456789012345678901234567890", "0.5", "1.0", "-1.5", "1e2", "1E-7", "1e308",
            "1e309", "-1e309", "1e-400", "3.4028236e38", new string('9', 400),
            "null", "true", "false", "\"\"", "\"x\"", "\"\\u0000\"", "\"\\ud800\"", "\"\\udc00\"", "\"\\udfff\\ud800\"",
            "\"\\ud83d\\ude00\"", "\"a\\\"b\"", "\"" + new string('a', 70_000) + "\"",
            "[]", "{}", "[null]", "[1,2,3]", "[\"a\",\"b\"]", "{\"a\":1}", "[0,0,0,0]", "[-1]", "[1e309]",
            new string('[', 65) + new string(']', 65), new string('[', 5_000) + new string(']', 5_000),
            string.Concat(Enumerable.Repeat("{\"a\":", 70)) + "1" + new string('}', 70),
        };
        return values;
    }

    /// <summary>The UTF-8 bytes of <paramref name="value"/>.</summary>
    public static byte[] Bytes(string value) => Encoding.UTF8.GetBytes(value);
}
