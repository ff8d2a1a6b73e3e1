using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Reversal.Training.Data.Tokenization;
using Reversal.Training.Evaluation.Generation;
using Reversal.Training.Generation;
using Reversal.Training.Models;

namespace Reversal.Training.Evaluation.Chat;

/// <summary>
/// A model of this library as an <see cref="IChatClient"/>, so it can take any chat role (reasoner, corrector, the
/// model under evaluation) beside hosted models. The models here are plain causal LMs without a chat template: the
/// prompt is the text of the messages in order, joined by <c>\n</c>, after <c>[BOS]</c>; the reply is the decoded
/// continuation up to EOS.
/// </summary>
/// <remarks>
/// <see cref="ChatOptions"/> honoured: <see cref="ChatOptions.MaxOutputTokens"/> (default
/// <see cref="DefaultMaxOutputTokens"/>), <see cref="ChatOptions.Temperature"/> (default 0: greedy),
/// <see cref="ChatOptions.TopK"/>, <see cref="ChatOptions.Seed"/> and <see cref="ChatOptions.StopSequences"/> (the
/// reply is cut before the first one). A prompt that fills the model's context gets an empty reply with
/// <see cref="ChatFinishReason.Length"/>. Streaming yields the whole reply as one update. Calls run on the caller's
/// thread, one at a time per model.
/// </remarks>
public sealed class LanguageModelChatClient : IChatClient
{
    /// <summary>Reply length when the options give none.</summary>
    public const int DefaultMaxOutputTokens = 256;

    private readonly ICausalLanguageModel _model;
    private readonly ITokenizer _tokenizer;
    private readonly ChatClientMetadata _metadata;
    private readonly Lock _gate = new();

    /// <summary>Wraps <paramref name="model"/> and its <paramref name="tokenizer"/>.</summary>
    /// <param name="model">The model.</param>
    /// <param name="tokenizer">Its tokenizer.</param>
    /// <param name="modelId">The name reported as <see cref="ChatResponse.ModelId"/> and in the metadata.</param>
    public LanguageModelChatClient(ICausalLanguageModel model, ITokenizer tokenizer, string modelId = "reversal-training")
    {
        _model = model ?? throw new ArgumentNullException(nameof(model));
        _tokenizer = tokenizer ?? throw new ArgumentNullException(nameof(tokenizer));
        ArgumentException.ThrowIfNullOrWhiteSpace(modelId);
        _metadata = new ChatClientMetadata(nameof(LanguageModelChatClient), defaultModelId: modelId);
    }

    /// <inheritdoc />
    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        cancellationToken.ThrowIfCancellationRequested();
        string prompt = string.Join('\n', messages.Select((m, i) => m?.Text ?? throw new ArgumentException($"Message {i} is null.", nameof(messages))));
        var generation = new GenerationOptions
        {
            MaxNewTokens = options?.MaxOutputTokens ?? DefaultMaxOutputTokens,
            Temperature = options?.Temperature ?? 0f,
            TopK = options?.TopK ?? 0,
            Seed = options?.Seed ?? 0,
        };
        string? text;
        lock (_gate) text = TextGeneration.Complete(_model, _tokenizer, [prompt], generation, null, 1, cancellationToken)[0];
        ChatFinishReason finish = text is null ? ChatFinishReason.Length : ChatFinishReason.Stop;
        text ??= "";
        foreach (string stop in options?.StopSequences ?? [])
        {
            int at = stop.Length == 0 ? -1 : text.IndexOf(stop, StringComparison.Ordinal);
            if (at >= 0) text = text[..at];
        }
        return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, text))
        {
            FinishReason = finish,
            ModelId = options?.ModelId ?? _metadata.DefaultModelId,
        });
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ChatResponse response = await GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        foreach (ChatResponseUpdate update in response.ToChatResponseUpdates()) yield return update;
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null) return null;
        if (serviceType == typeof(ChatClientMetadata)) return _metadata;
        if (serviceType.IsInstanceOfType(this)) return this;
        if (serviceType.IsInstanceOfType(_model)) return _model;
        return null;
    }

    /// <summary>Nothing to release: the model and tokenizer belong to the caller.</summary>
    public void Dispose()
    {
    }
}
