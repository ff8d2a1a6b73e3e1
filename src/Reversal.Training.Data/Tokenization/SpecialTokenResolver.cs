using System.Text.Json;
using Reversal.Training.Data.Tokenization.Json;
using Reversal.Training.Data.Tokenization.PostProcessors;
using Reversal.Training.Objectives;

namespace Reversal.Training.Data.Tokenization;

/// <summary>
/// Chooses the pad/unk/bos/eos ids of a <see cref="BpeTokenizer"/>; the rule is documented on
/// <see cref="BpeTokenizer"/>.
/// </summary>
internal static class SpecialTokenResolver
{
    /// <summary>Name of the Hugging Face configuration file read next to <c>tokenizer.json</c>.</summary>
    public const string ConfigFileName = "tokenizer_config.json";

    private static readonly string[] s_bosNames = ["<s>", "<bos>", "<|begin_of_text|>", "<|startoftext|>", "[CLS]"];
    private static readonly string[] s_eosNames = ["</s>", "<eos>", "<|end_of_text|>", "<|endoftext|>", "[SEP]"];
    private static readonly string[] s_unkNames = ["<unk>", "[UNK]", "<|unk|>"];
    private static readonly string[] s_padNames = ["<pad>", "[PAD]", "<|pad|>", "<|padding|>"];

    /// <summary>The names of the four roles, as a configuration file gives them (null = none given).</summary>
    public sealed record Names(string? Pad, string? Unk, string? Bos, string? Eos);

    /// <summary>Reads <c>bos_token</c>, <c>eos_token</c>, <c>unk_token</c> and <c>pad_token</c> (strings or
    /// <c>{"content": ...}</c> objects) from a <c>tokenizer_config.json</c>.</summary>
    /// <exception cref="TokenizerFormatException">The file is not valid JSON (as <see cref="TokenizerJson"/> checks it)
    /// or a field has the wrong type.</exception>
    public static Names ReadConfig(string configPath)
    {
        using JsonDocument document = TokenizerJson.Read(configPath);
        var scope = new JsonScope(configPath);
        JsonElement root = document.RootElement;
        scope.RequireObject(root);
        return new Names(Name(root, "pad_token", scope), Name(root, "unk_token", scope), Name(root, "bos_token", scope), Name(root, "eos_token", scope));
    }

    private static string? Name(JsonElement root, string field, JsonScope scope)
    {
        if (!root.TryGetProperty(field, out JsonElement value)) return null;
        return value.ValueKind switch
        {
            JsonValueKind.Null => null,
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Object => scope.Child(field).RequiredString(value, "content"),
            _ => throw scope.Child(field).Error($"must be a string, an object with \"content\", or null; found {value.ValueKind}"),
        };
    }

    /// <summary>Resolves the four ids.</summary>
    /// <param name="configNames">Names from <c>tokenizer_config.json</c>, or null when there is none.</param>
    /// <param name="tokenToId">Looks a token up (added tokens and vocabulary).</param>
    /// <param name="addedTokens">The added tokens.</param>
    /// <param name="modelUnkToken">The model's <c>unk_token</c>.</param>
    /// <param name="postProcessor">The post-processor (its single template hints at BOS/EOS).</param>
    /// <param name="firstId">The smallest id that names a token (0 unless the vocabulary's ids start with a hole).</param>
    public static SpecialTokenIds Resolve(
        Names? configNames, Func<string, int?> tokenToId, IReadOnlyList<AddedToken> addedTokens, string? modelUnkToken,
        PostProcessor? postProcessor, int firstId)
    {
        var (before, after) = postProcessor?.SingleTemplateSpecialTokens ?? ([], []);
        var addedContents = new HashSet<string>(addedTokens.Select(t => t.Content), StringComparer.Ordinal);

        // A name from the configuration or the file itself may be any token; a well-known name only counts when it
        // is an added token (the Qwen vocabulary, for one, has an ordinary token "<unk>").
        int? Find(IEnumerable<string?> names, IEnumerable<string> wellKnown)
        {
            foreach (string? name in names)
                if (name is not null && tokenToId(name) is int id) return id;
            foreach (string name in wellKnown)
                if (addedContents.Contains(name) && tokenToId(name) is int id) return id;
            return null;
        }

        bool fromConfig = configNames is not null;
        int? unk = Find([configNames?.Unk, modelUnkToken], fromConfig ? [] : s_unkNames);
        int? bos = fromConfig ? Find([configNames!.Bos], []) : Find(before, s_bosNames);
        int? eos = fromConfig ? Find([configNames!.Eos], []) : Find(after, s_eosNames);
        int? pad = fromConfig ? Find([configNames!.Pad], []) : Find([], s_padNames);

        // Fallbacks, in this order: eos <- bos; bos <- eos; unk <- spare special token, pad, eos;
        // pad <- spare special token, unk, eos. A spare special token is the special added token with the highest
        // id that has no role yet.
        eos ??= bos;
        bos ??= eos;
        unk ??= Spare(addedTokens, pad, bos, eos) ?? pad ?? eos;
        pad ??= Spare(addedTokens, unk, bos, eos) ?? unk ?? eos;
        // Nothing at all (no special tokens, no names): the first id that names a token.
        return new SpecialTokenIds(pad ?? firstId, unk ?? firstId, bos ?? firstId, eos ?? firstId);
    }

    private static int? Spare(IReadOnlyList<AddedToken> addedTokens, params int?[] taken)
    {
        int? best = null;
        foreach (AddedToken token in addedTokens)
            if (token.Special && !taken.Contains(token.Id) && (best is null || token.Id > best)) best = token.Id;
        return best;
    }
}
