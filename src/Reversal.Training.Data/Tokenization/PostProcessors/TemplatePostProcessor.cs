using System.Text.Json;
using Reversal.Training.Data.Tokenization.Json;

namespace Reversal.Training.Data.Tokenization.PostProcessors;

/// <summary>
/// The <c>TemplateProcessing</c> post-processor: templates for a single sequence and for a pair, made of special
/// tokens and the sequences <c>A</c>/<c>B</c>, plus the ids of every special token they name.
/// </summary>
internal sealed class TemplatePostProcessor(
    IReadOnlyList<TemplatePostProcessor.Piece> single,
    IReadOnlyList<TemplatePostProcessor.Piece> pair,
    IReadOnlyList<TemplatePostProcessor.SpecialToken> specialTokens) : PostProcessor
{
    /// <summary>One item of a template: a special token (by name) or a sequence (<c>A</c> or <c>B</c>).</summary>
    /// <param name="IsSpecialToken">True for <c>{"SpecialToken": ...}</c>, false for <c>{"Sequence": ...}</c>.</param>
    /// <param name="Id">The special token's name, or the sequence id <c>A</c>/<c>B</c>.</param>
    /// <param name="TypeId">The token type id.</param>
    internal sealed record Piece(bool IsSpecialToken, string Id, int TypeId);

    /// <summary>One entry of <c>"special_tokens"</c>: a name and the ids/tokens it expands to.</summary>
    internal sealed record SpecialToken(string Id, IReadOnlyList<int> Ids, IReadOnlyList<string> Tokens);

    /// <summary>The single-sequence template (<c>"single"</c>).</summary>
    public IReadOnlyList<Piece> Single { get; } = single;

    /// <summary>The pair template (<c>"pair"</c>).</summary>
    public IReadOnlyList<Piece> Pair { get; } = pair;

    /// <summary>The special tokens the templates use (<c>"special_tokens"</c>), in file order.</summary>
    public IReadOnlyList<SpecialToken> SpecialTokens { get; } = specialTokens;

    /// <summary>Reads the list form written by the Rust library.</summary>
    public static TemplatePostProcessor Read(JsonElement element, JsonScope scope)
    {
        IReadOnlyList<Piece> single = ParseTemplate(scope.RequiredArray(element, "single"), scope.Child("single"));
        IReadOnlyList<Piece> pair = ParseTemplate(scope.RequiredArray(element, "pair"), scope.Child("pair"));
        JsonElement specials = scope.Required(element, "special_tokens");
        JsonScope specialsScope = scope.Child("special_tokens");
        specialsScope.RequireObject(specials);
        var list = new List<SpecialToken>();
        foreach (JsonProperty property in specials.EnumerateObject())
        {
            JsonScope entry = specialsScope.Child(property.Name);
            entry.RequireObject(property.Value);
            var ids = new List<int>();
            int index = 0;
            foreach (JsonElement id in entry.RequiredArray(property.Value, "ids").EnumerateArray())
            {
                if (id.ValueKind != JsonValueKind.Number || !id.TryGetInt32(out int value))
                    throw entry.Child("ids").Item(index).Error($"must be an integer, found {id.GetRawText()}");
                ids.Add(value);
                index++;
            }
            var tokens = new List<string>();
            index = 0;
            foreach (JsonElement token in entry.RequiredArray(property.Value, "tokens").EnumerateArray())
            {
                if (token.ValueKind != JsonValueKind.String)
                    throw entry.Child("tokens").Item(index).Error($"must be a string, found {token.ValueKind}");
                tokens.Add(token.GetString()!);
                index++;
            }
            list.Add(new SpecialToken(entry.RequiredString(property.Value, "id"), ids, tokens));
        }
        foreach (Piece piece in single.Concat(pair))
        {
            if (piece.IsSpecialToken && !list.Exists(s => s.Id == piece.Id))
                throw scope.Error($"the template names the special token \"{piece.Id}\" missing from 'special_tokens'");
        }
        return new TemplatePostProcessor(single, pair, list);
    }

    private static List<Piece> ParseTemplate(JsonElement array, JsonScope scope)
    {
        var pieces = new List<Piece>();
        int index = 0;
        foreach (JsonElement item in array.EnumerateArray())
        {
            JsonScope itemScope = scope.Item(index++);
            itemScope.RequireObject(item);
            bool isSpecial = item.TryGetProperty("SpecialToken", out JsonElement body);
            if (!isSpecial && !item.TryGetProperty("Sequence", out body))
                throw itemScope.Error("must hold \"SpecialToken\" or \"Sequence\"");
            JsonScope bodyScope = itemScope.Child(isSpecial ? "SpecialToken" : "Sequence");
            bodyScope.RequireObject(body);
            string id = bodyScope.RequiredString(body, "id");
            if (!isSpecial && id is not ("A" or "B")) throw bodyScope.Child("id").Error($"must be \"A\" or \"B\", found \"{id}\"");
            pieces.Add(new Piece(isSpecial, id, bodyScope.RequiredInt(body, "type_id")));
        }
        return pieces;
    }

    /// <inheritdoc />
    public override (IReadOnlyList<string> Before, IReadOnlyList<string> After) SingleTemplateSpecialTokens
    {
        get
        {
            int sequence = Single.ToList().FindIndex(p => !p.IsSpecialToken);
            if (sequence < 0) return ([], []);
            return ([.. Single.Take(sequence).Select(p => p.Id)], [.. Single.Skip(sequence + 1).Where(p => p.IsSpecialToken).Select(p => p.Id)]);
        }
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("type", "TemplateProcessing");
        WriteTemplate(writer, "single", Single);
        WriteTemplate(writer, "pair", Pair);
        writer.WriteStartObject("special_tokens");
        foreach (SpecialToken special in SpecialTokens)
        {
            writer.WriteStartObject(special.Id);
            writer.WriteString("id", special.Id);
            writer.WriteStartArray("ids");
            foreach (int id in special.Ids) writer.WriteNumberValue(id);
            writer.WriteEndArray();
            writer.WriteStartArray("tokens");
            foreach (string token in special.Tokens) writer.WriteStringValue(token);
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static void WriteTemplate(Utf8JsonWriter writer, string name, IReadOnlyList<Piece> pieces)
    {
        writer.WriteStartArray(name);
        foreach (Piece piece in pieces)
        {
            writer.WriteStartObject();
            writer.WriteStartObject(piece.IsSpecialToken ? "SpecialToken" : "Sequence");
            writer.WriteString("id", piece.Id);
            writer.WriteNumber("type_id", piece.TypeId);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
    }
}
