using Microsoft.Extensions.AI;

namespace Reversal.Training.Data.Lema;

/// <summary>
/// An LLM corrector behind <see cref="IChatClient"/>: sends one user message, the few-shot prompt P_c followed by the
/// question and the numbered wrong path (<see cref="CorrectionPrompt.Build"/>), and returns the reply text.
/// </summary>
/// <example><code>
/// var corrector = new ChatCorrector(chatClient, CorrectionPrompt.FromFile("prompt_correction_gsm8k.txt"),
///     new ChatOptions { Temperature = 0 });
/// </code></example>
public sealed class ChatCorrector : ICorrector
{
    private readonly IChatClient _client;
    private readonly CorrectionPrompt _prompt;
    private readonly ChatOptions? _options;

    /// <summary>Creates the corrector.</summary>
    /// <param name="client">The chat model.</param>
    /// <param name="prompt">P_c.</param>
    /// <param name="options">Options for every request (e.g. model, temperature, max output tokens); null: the client's defaults.</param>
    public ChatCorrector(IChatClient client, CorrectionPrompt prompt, ChatOptions? options = null)
    {
        _client = client ?? throw new ArgumentNullException(nameof(client));
        _prompt = prompt ?? throw new ArgumentNullException(nameof(prompt));
        _options = options;
    }

    /// <inheritdoc />
    public async Task<string> CorrectAsync(CorrectionRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        string text = _prompt.Build(request.Problem.Question, request.WrongPath);
        ChatResponse response = await _client.GetResponseAsync([new ChatMessage(ChatRole.User, text)], _options?.Clone(), cancellationToken)
            .ConfigureAwait(false);
        return response.Text ?? "";
    }
}
