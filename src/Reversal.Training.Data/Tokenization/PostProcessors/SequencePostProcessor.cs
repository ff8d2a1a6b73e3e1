using System.Text.Json;

namespace Reversal.Training.Data.Tokenization.PostProcessors;

/// <summary>The <c>Sequence</c> post-processor: <see cref="Processors"/> in order.</summary>
internal sealed class SequencePostProcessor(IReadOnlyList<PostProcessor> processors) : PostProcessor
{
    /// <summary>The post-processors, in order (<c>"processors"</c>).</summary>
    public IReadOnlyList<PostProcessor> Processors { get; } = processors;

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
