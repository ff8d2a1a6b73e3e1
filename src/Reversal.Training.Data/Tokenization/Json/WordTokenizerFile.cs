using System.Text.Encodings.Web;
using System.Text.Json;
using Reversal.Training.IO;

namespace Reversal.Training.Data.Tokenization.Json;

/// <summary>Reads and writes the JSON file format of <see cref="WordTokenizer"/>.</summary>
internal static class WordTokenizerFile
{
    private const string TypeField = "type";
    private const string LowerCaseField = "lower_case";
    private const string SpecialTokensField = "special_tokens";
    private const string VocabField = "vocab";

    public static void Save(WordTokenizer tokenizer, string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        AtomicFile.Write(path, stream =>
        {
            var writerOptions = new JsonWriterOptions
            {
                Indented = true,
                Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
                NewLine = "\n",
            };
            using var writer = new Utf8JsonWriter(stream, writerOptions);
            writer.WriteStartObject();
            writer.WriteString(TypeField, WordTokenizer.FileType);
            writer.WriteBoolean(LowerCaseField, tokenizer.LowerCase);
            writer.WriteStartArray(SpecialTokensField);
            for (int id = 0; id < tokenizer.SpecialTokenCount; id++) writer.WriteStringValue(tokenizer.Vocabulary[id]);
            writer.WriteEndArray();
            writer.WriteStartArray(VocabField);
            foreach (string token in tokenizer.Vocabulary) writer.WriteStringValue(token);
            writer.WriteEndArray();
            writer.WriteEndObject();
            writer.Flush();
            stream.WriteByte((byte)'\n');
        });
    }

    public static WordTokenizer Load(string path)
    {
        using JsonDocument document = TokenizerJson.Read(path);
        return Read(document.RootElement, path);
    }

    /// <summary>Builds a tokenizer from the bytes of a word-tokenizer file (UTF-8, no byte-order mark) that messages
    /// call <paramref name="name"/>.</summary>
    /// <exception cref="TokenizerFormatException">The bytes do not describe a valid word tokenizer.</exception>
    public static WordTokenizer Parse(ReadOnlyMemory<byte> json, string name)
    {
        using JsonDocument document = TokenizerJson.Parse(json, name);
        return Read(document.RootElement, name);
    }

    private static WordTokenizer Read(JsonElement root, string path)
    {
        if (root.ValueKind != JsonValueKind.Object)
            throw Problem(path, $"the root must be a JSON object, found {root.ValueKind}");

        JsonElement type = Required(path, root, TypeField);
        if (type.ValueKind != JsonValueKind.String)
            throw Problem(path, $"'{TypeField}' must be a string, found {type.ValueKind}");
        if (type.GetString() != WordTokenizer.FileType)
            throw Problem(path, $"'{TypeField}' is \"{type.GetString()}\", expected \"{WordTokenizer.FileType}\"");

        JsonElement lowerCase = Required(path, root, LowerCaseField);
        if (lowerCase.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            throw Problem(path, $"'{LowerCaseField}' must be true or false, found {lowerCase.ValueKind}");

        string[] specials = StringArray(path, Required(path, root, SpecialTokensField), SpecialTokensField);
        string[] vocab = StringArray(path, Required(path, root, VocabField), VocabField);

        string[] builtIn = WordTokenizer.BuiltInSpecialTokens;
        for (int i = 0; i < builtIn.Length; i++)
        {
            if (i >= specials.Length || specials[i] != builtIn[i])
                throw Problem(path,
                    $"'{SpecialTokensField}' must start with {string.Join(", ", builtIn)}: " +
                    (i >= specials.Length ? $"{builtIn[i]} is missing" : $"found \"{specials[i]}\" where {builtIn[i]} belongs"));
        }

        var positions = new Dictionary<string, int>(vocab.Length, StringComparer.Ordinal);
        for (int id = 0; id < vocab.Length; id++)
        {
            if (!positions.TryAdd(vocab[id], id))
                throw Problem(path, $"'{VocabField}' holds the token \"{vocab[id]}\" twice (ids {positions[vocab[id]]} and {id})");
        }

        for (int id = 0; id < specials.Length; id++)
        {
            if (id >= vocab.Length || vocab[id] != specials[id])
            {
                string where = positions.TryGetValue(specials[id], out int actual) ? $"at id {actual}" : "missing";
                throw Problem(path,
                    $"special token \"{specials[id]}\" must have id {id} in '{VocabField}' but is {where}");
            }
        }

        return new WordTokenizer(vocab, specials.Length, lowerCase.GetBoolean());
    }

    private static JsonElement Required(string path, JsonElement root, string name)
        => root.TryGetProperty(name, out JsonElement value) ? value : throw Problem(path, $"'{name}' is missing");

    private static string[] StringArray(string path, JsonElement element, string name)
    {
        if (element.ValueKind != JsonValueKind.Array)
            throw Problem(path, $"'{name}' must be an array of strings, found {element.ValueKind}");
        var result = new string[element.GetArrayLength()];
        int i = 0;
        foreach (JsonElement item in element.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String)
                throw Problem(path, $"'{name}'[{i}] must be a string, found {item.ValueKind}");
            string value = item.GetString()!;
            if (value.Length == 0) throw Problem(path, $"'{name}'[{i}] is an empty string");
            result[i++] = value;
        }
        return result;
    }

    private static TokenizerFormatException Problem(string path, string problem) => new(path, problem);
}
