using System.Text.Encodings.Web;
using System.Text.Json;
using Reversal.Training.Data.Tokenization.Decoders;
using Reversal.Training.Data.Tokenization.Models;
using Reversal.Training.Data.Tokenization.Models.Bpe;
using Reversal.Training.Data.Tokenization.Normalizers;
using Reversal.Training.Data.Tokenization.PostProcessors;
using Reversal.Training.Data.Tokenization.PreTokenizers;
using Reversal.Training.IO;
using Reversal.Training.Objectives;

namespace Reversal.Training.Data.Tokenization.Json;

/// <summary>Reads and writes Hugging Face <c>tokenizer.json</c> files for <see cref="BpeTokenizer"/>.</summary>
internal static class BpeTokenizerFile
{
    /// <summary>Loads <paramref name="path"/> and, unless <paramref name="specialTokens"/> is given, the
    /// <c>tokenizer_config.json</c> next to it when there is one.</summary>
    public static BpeTokenizer Load(string path, SpecialTokenIds? specialTokens)
    {
        using JsonDocument document = TokenizerJson.Read(path);

        SpecialTokenResolver.Names? names = null;
        string? directory = Path.GetDirectoryName(Path.GetFullPath(path));
        string? configPath = directory is null ? null : Path.Combine(directory, SpecialTokenResolver.ConfigFileName);
        if (specialTokens is null && configPath is not null && File.Exists(configPath)) names = SpecialTokenResolver.ReadConfig(configPath);

        return Read(document.RootElement, new JsonScope(path), specialTokens, names);
    }

    /// <summary>Builds a tokenizer from the bytes of a <c>tokenizer.json</c> (UTF-8, no byte-order mark) that
    /// messages call <paramref name="name"/>, with no configuration file.</summary>
    /// <exception cref="TokenizerFormatException">The bytes do not describe a valid tokenizer.</exception>
    public static BpeTokenizer Parse(ReadOnlyMemory<byte> json, string name)
    {
        using JsonDocument document = TokenizerJson.Parse(json, name);
        return Read(document.RootElement, new JsonScope(name), specialTokens: null, names: null);
    }

    /// <summary>Builds a tokenizer from a parsed <c>tokenizer.json</c> document.</summary>
    /// <exception cref="TokenizerFormatException">The document does not describe a valid tokenizer.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An explicit special id is not a token of the vocabulary.</exception>
    public static BpeTokenizer Read(JsonElement root, JsonScope scope, SpecialTokenIds? specialTokens, SpecialTokenResolver.Names? names)
    {
        scope.RequireObject(root);
        if (!root.TryGetProperty("model", out JsonElement modelElement) || modelElement.ValueKind == JsonValueKind.Null)
            throw scope.Error("'model' is missing");
        BpeModel model = ModelTypes.Types.Read(modelElement, scope.Child("model"));

        IReadOnlyList<AddedToken> added = ReadAddedTokens(root, scope, model);
        Normalizer? normalizer = Normalizer.Types.ReadOptional(Optional(root, "normalizer"), scope.Child("normalizer"));
        PreTokenizer? preTokenizer = PreTokenizer.Types.ReadOptional(Optional(root, "pre_tokenizer"), scope.Child("pre_tokenizer"));
        PostProcessor? postProcessor = PostProcessor.Types.ReadOptional(Optional(root, "post_processor"), scope.Child("post_processor"));
        TokenDecoder? decoder = TokenDecoder.Types.ReadOptional(Optional(root, "decoder"), scope.Child("decoder"));

        var info = new BpeTokenizerFileInfo(
            scope.OptionalString(root, "version") ?? "1.0", RawOrNull(root, "truncation"), RawOrNull(root, "padding"));
        return new BpeTokenizer(
            model, added, normalizer, preTokenizer, postProcessor, decoder, info, $"tokenizer '{scope.FilePath}'", specialTokens, names);
    }

    private static JsonElement Optional(JsonElement root, string name)
        => root.TryGetProperty(name, out JsonElement value) ? value : default;

    private static string? RawOrNull(JsonElement root, string name)
        => root.TryGetProperty(name, out JsonElement value) && value.ValueKind != JsonValueKind.Null ? value.GetRawText() : null;

    /// <summary>Reads <c>"added_tokens"</c>. An added token may take an id the model vocabulary leaves free (a hole or
    /// beyond its end) or repeat the model's token at that id; the ids of model and added tokens together must stay
    /// within the hole limit of <see cref="SparseIds"/>, checked before anything is sized by id.</summary>
    private static List<AddedToken> ReadAddedTokens(JsonElement root, JsonScope scope, BpeModel model)
    {
        var result = new List<AddedToken>();
        if (!root.TryGetProperty("added_tokens", out JsonElement array) || array.ValueKind == JsonValueKind.Null) return result;
        JsonScope arrayScope = scope.Child("added_tokens");
        if (array.ValueKind != JsonValueKind.Array) throw arrayScope.Error($"must be an array, found {array.ValueKind}");

        var byId = new Dictionary<int, AddedToken>();
        var byContent = new Dictionary<string, AddedToken>(StringComparer.Ordinal);
        int index = 0;
        int largest = model.IdCount - 1;
        int beyondModel = 0; // added tokens whose ids the model vocabulary has no token for
        foreach (JsonElement item in array.EnumerateArray())
        {
            JsonScope itemScope = arrayScope.Item(index++);
            itemScope.RequireObject(item);
            int id = itemScope.RequiredInt(item, "id");
            string content = itemScope.RequiredString(item, "content");
            if (id < 0) throw itemScope.Error($"the added token \"{content}\" has the negative id {id}");
            if (content.Length == 0) throw itemScope.Error($"the added token with id {id} has empty content");
            bool special = itemScope.OptionalBool(item, "special") ?? false;
            var token = new AddedToken(id, content)
            {
                Special = special,
                SingleWord = itemScope.OptionalBool(item, "single_word") ?? false,
                LStrip = itemScope.OptionalBool(item, "lstrip") ?? false,
                RStrip = itemScope.OptionalBool(item, "rstrip") ?? false,
                Normalized = itemScope.OptionalBool(item, "normalized") ?? !special,
            };
            string? modelToken = id < model.IdCount ? model.TokenAt(id) : null;
            if (modelToken is not null && modelToken != content)
                throw itemScope.Error($"the added token \"{content}\" has id {id}, which the vocabulary gives to \"{modelToken}\"");
            if (byId.TryGetValue(id, out AddedToken? other))
                throw itemScope.Error($"the added tokens \"{other.Content}\" and \"{content}\" both have id {id}");
            if (byContent.TryGetValue(content, out AddedToken? same))
                throw itemScope.Error($"the added token \"{content}\" appears twice (ids {same.Id} and {id})");
            byId.Add(id, token);
            byContent.Add(content, token);
            result.Add(token);
            if (modelToken is null) beyondModel++;
            largest = Math.Max(largest, id);
        }

        int tokens = model.TokenCount + beyondModel;
        if (!SparseIds.WithinLimit(largest, tokens)) throw arrayScope.Error(SparseIds.Problem(largest, tokens));
        return result;
    }

    public static void Save(BpeTokenizer tokenizer, string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        AtomicFile.Write(path, stream =>
        {
            using var writer = new Utf8JsonWriter(stream, new JsonWriterOptions
            {
                Indented = true,
                Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
                NewLine = "\n",
            });
            Write(tokenizer, writer);
            writer.Flush();
            stream.WriteByte((byte)'\n');
        });
    }

    /// <summary>Writes the whole document in the Rust library's field order.</summary>
    public static void Write(BpeTokenizer tokenizer, Utf8JsonWriter writer)
    {
        BpeTokenizerFileInfo info = tokenizer.FileInfo;
        writer.WriteStartObject();
        writer.WriteString("version", info.Version);
        WriteRaw(writer, "truncation", info.TruncationJson);
        WriteRaw(writer, "padding", info.PaddingJson);

        writer.WriteStartArray("added_tokens");
        foreach (AddedToken token in tokenizer.AddedTokens)
        {
            writer.WriteStartObject();
            writer.WriteNumber("id", token.Id);
            writer.WriteString("content", token.Content);
            writer.WriteBoolean("single_word", token.SingleWord);
            writer.WriteBoolean("lstrip", token.LStrip);
            writer.WriteBoolean("rstrip", token.RStrip);
            writer.WriteBoolean("normalized", token.Normalized);
            writer.WriteBoolean("special", token.Special);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();

        writer.WritePropertyName("normalizer");
        if (tokenizer.Normalizer is null) writer.WriteNullValue();
        else tokenizer.Normalizer.Write(writer);
        writer.WritePropertyName("pre_tokenizer");
        if (tokenizer.PreTokenizer is null) writer.WriteNullValue();
        else tokenizer.PreTokenizer.Write(writer);
        writer.WritePropertyName("post_processor");
        if (tokenizer.PostProcessor is null) writer.WriteNullValue();
        else tokenizer.PostProcessor.Write(writer);
        writer.WritePropertyName("decoder");
        if (tokenizer.Decoder is null) writer.WriteNullValue();
        else tokenizer.Decoder.Write(writer);
        writer.WritePropertyName("model");
        tokenizer.Model.Write(writer);
        writer.WriteEndObject();
    }

    private static void WriteRaw(Utf8JsonWriter writer, string name, string? rawJson)
    {
        writer.WritePropertyName(name);
        if (rawJson is null) writer.WriteNullValue();
        else writer.WriteRawValue(rawJson);
    }
}
