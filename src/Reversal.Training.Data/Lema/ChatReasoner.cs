using Microsoft.Extensions.AI;
using Reversal.Training.Data.Reasoning;
using Reversal.Training.Randomness;

namespace Reversal.Training.Data.Lema;

/// <summary>
/// A reasoner behind <see cref="IChatClient"/>: for every problem, sends the CoT prompt
/// (<see cref="LemaPrompts.CotInput"/>) as one user message, <see cref="PathsPerQuestion"/> times, each request with
/// its own seed derived from (seed, question, path number), and returns the reply texts. Requests are sequential.
/// </summary>
public sealed class ChatReasoner : IReasoner
{
    private readonly IChatClient _client;
    private readonly ChatOptions? _options;
    private readonly long _seed;

    /// <summary>Creates the reasoner.</summary>
    /// <param name="client">The chat model.</param>
    /// <param name="pathsPerQuestion">Paths sampled per question (k ≥ 1).</param>
    /// <param name="options">Options for every request (set a temperature above 0 to get different paths); each
    /// request gets a copy whose <see cref="ChatOptions.Seed"/> is derived from <paramref name="seed"/>.</param>
    /// <param name="seed">The run's seed.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="pathsPerQuestion"/> is below 1.</exception>
    public ChatReasoner(IChatClient client, int pathsPerQuestion, ChatOptions? options = null, long seed = 0)
    {
        _client = client ?? throw new ArgumentNullException(nameof(client));
        ArgumentOutOfRangeException.ThrowIfLessThan(pathsPerQuestion, 1);
        PathsPerQuestion = pathsPerQuestion;
        _options = options;
        _seed = seed;
    }

    /// <summary>Paths sampled per question.</summary>
    public int PathsPerQuestion { get; }

    /// <inheritdoc />
    public async Task<IReadOnlyList<IReadOnlyList<string>>> SampleAsync(IReadOnlyList<ReasoningProblem> problems, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(problems);
        var result = new IReadOnlyList<string>[problems.Count];
        for (int i = 0; i < problems.Count; i++)
        {
            var problem = problems[i] ?? throw new ArgumentException($"The problem at index {i} is null.", nameof(problems));
            var paths = new string[PathsPerQuestion];
            for (int j = 0; j < PathsPerQuestion; j++)
            {
                ChatOptions options = _options?.Clone() ?? new ChatOptions();
                options.Seed = StableHash.Combine(_seed, $"{j}:{problem.Question}");
                ChatResponse response = await _client.GetResponseAsync([new ChatMessage(ChatRole.User, LemaPrompts.CotInput(problem.Question))],
                    options, cancellationToken).ConfigureAwait(false);
                paths[j] = response.Text ?? "";
            }
            result[i] = paths;
        }
        return result;
    }
}
