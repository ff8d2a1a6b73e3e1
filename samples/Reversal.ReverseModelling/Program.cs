using System.CommandLine;
using Reversal.ReverseModelling.Experiment;
using Reversal.Training.IO;
using Spectre.Console;
using Reversal.Samples.Common;

using var signals = new StopSignals();
var data = new Option<string?>("--data") { Description = "The shared data folder with gsm8k/train.jsonl and reversal_curse/... (default: ../shared/data next to the repository when present, else generated data)." };
var generate = new Option<bool>("--generate") { Description = "Use data the project generates itself, even when the shared data is present." };
var documents = new Option<int>("--docs") { Description = "Documents in all, half natural and half degraded.", DefaultValueFactory = _ => 2400 }.AtLeast(40);
var epochs = new Option<int>("--epochs") { Description = "Epochs of each model.", DefaultValueFactory = _ => 6 }.AtLeast(1);
var seed = new Option<int>("--seed") { Description = "Seed of data, degradation, initialisation and data order.", DefaultValueFactory = _ => 1 };
var threads = new Option<int>("--threads") { Description = "Compute threads.", DefaultValueFactory = _ => Environment.ProcessorCount }.AtLeast(1);
var output = new Option<string?>("--out") { Description = "Folder that receives results.md and results.json." };

var root = new RootCommand("Reverse modelling as a data-quality signal (Yu et al., arXiv 2410.09817): trains a forward and a reverse model on natural and degraded documents and measures how well S = L_fwd − L_rev separates them.")
{
    data, generate, documents, epochs, seed, threads, output,
};
root.SetAction((parse, cancellationToken) =>
{
    int docs = parse.GetValue(documents), epochCount = parse.GetValue(epochs), threadCount = parse.GetValue(threads);
    string? dataRoot = parse.GetValue(generate) ? null : parse.GetValue(data) ?? DefaultDataRoot();
    var settings = new ExperimentSettings
    {
        DataRoot = dataRoot, Documents = docs, Epochs = epochCount, Seed = parse.GetValue(seed), Threads = threadCount,
        OutputDirectory = parse.GetValue(output),
    };
    try
    {
        ExperimentResult? result = null;
        AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .Start(ctx =>
            {
                var tasks = new Dictionary<string, ProgressTask>
                {
                    ["forward"] = ctx.AddTask("forward model", autoStart: false, maxValue: 1),
                    ["reverse"] = ctx.AddTask("reverse model", autoStart: false, maxValue: 1),
                };
                var progress = new InlineProgress<(string Model, Reversal.Training.TrainingProgress Step)>(p =>
                {
                    var task = tasks[p.Model];
                    if (!task.IsStarted) task.StartTask();
                    task.MaxValue = Math.Max(1, p.Step.TotalSteps);
                    task.Value = p.Step.Step;
                    task.Description = $"{p.Model} model  epoch {p.Step.Epoch,2}  loss {p.Step.Loss,6:F3}";
                });
                result = new ReverseModellingExperiment(settings, message => AnsiConsole.MarkupLine($"[grey]{Markup.Escape(message)}[/]"), progress).Run(cancellationToken);
            });
        string markdown = ResultsMarkdown.Render(result!);
        AnsiConsole.WriteLine();
        AnsiConsole.WriteLine(markdown);
        if (settings.OutputDirectory is string folder)
        {
            Directory.CreateDirectory(folder);
            AtomicFile.WriteAllText(Path.Combine(folder, "results.md"), markdown);
            AtomicFile.WriteAllText(Path.Combine(folder, "results.json"), ResultsJson.Render(result!, settings));
            AnsiConsole.MarkupLine($"Wrote [blue]{Markup.Escape(Path.Combine(folder, "results.md"))}[/] and [blue]{Markup.Escape(Path.Combine(folder, "results.json"))}[/].");
        }
        return Task.FromResult(0);
    }
    catch (OperationCanceledException)
    {
        AnsiConsole.MarkupLine("[yellow]Stopped before the experiment finished; nothing was written. Run the command again to start over.[/]");
        return Task.FromResult(signals.ExitCode ?? 130);
    }
    catch (Exception e) when (e is ArgumentException or IOException or FormatException or InvalidOperationException)
    {
        AnsiConsole.MarkupLine($"[red]error:[/] {Markup.Escape(e.Message)}");
        return Task.FromResult(1);
    }
});
return await CommandLineHost.InvokeAsync(root, args, signals);

// ../shared/data beside the repository (found by walking up from the working folder to the folder holding the .slnx).
static string? DefaultDataRoot()
{
    for (var folder = new DirectoryInfo(Directory.GetCurrentDirectory()); folder is not null; folder = folder.Parent)
        if (folder.GetFiles("*.slnx").Length > 0)
        {
            string candidate = Path.Combine(folder.Parent?.FullName ?? folder.FullName, "shared", "data");
            return Directory.Exists(candidate) ? candidate : null;
        }
    return null;
}
