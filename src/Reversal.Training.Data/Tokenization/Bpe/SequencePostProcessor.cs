using System.Text.Json;

namespace Reversal.Training.Data.Tokenization.Bpe;

/// <summary>The <c>Sequence</c> post-processor: <see cref="Processors"/> in order.</summary>
internal sealed class SequencePostProcessor(IReadOnlyList<PostProcessor> processors) : PostProcessor
{
    /// <summary>The post-processors, in order (<c>"processors"</c>).</summary>
    public IReadOnlyList<PostProcessor> Processors { get; } = processors;

    /// <summary>Reads <c>{"type": "Sequence", "processors": [...]}</c>.</summary>
    public static SequencePostProcessor FromJson(JsonElement element, JsonScope scope)
    {
        JsonElement items = scope.RequiredArray(element, "processors");
        var list = new List<PostProcessor>();
        int index = 0;
        foreach (JsonElement item in items.EnumerateArray())
        {
            JsonScope itemScope = scope.Child("processors").Item(index++);
            list.Add(PostProcessor.Parse(item, itemScope) ?? throw itemScope.Error("must not be null"));
        }
        return new SequencePostProcessor(list);
    }

    /// <inheritdoc />
    public override (IReadOnlyList<string> Before, IReadOnlyList<string> After) SingleTemplateSpecialTokens
    {
        get
        {
            foreach (PostProcessor processor in Processors)
            {
                var tokens = processor.SingleTemplateSpecialTokens;
                if (tokens.Before.Count > 0 || tokens.After.Count > 0) return tokens;
            }
            return ([], []);
        }
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("type", "Sequence");
        writer.WriteStartArray("processors");
        foreach (PostProcessor processor in Processors) processor.Write(writer);
        writer.WriteEndArray();
        writer.WriteEndObject();
    }
}
