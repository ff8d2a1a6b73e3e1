using System.CommandLine;
using Reversal.Demo;
using Spectre.Console;

var data = new Option<string?>("--data") { Description = "A Berglund-layout folder (all_prompts_train.jsonl + the four *_prompts_test.jsonl) instead of generated data." };
var objectives = new Option<string>("--objectives") { Description = "Comma-separated objectives to train: ntp, bico, abi.", DefaultValueFactory = _ => "ntp,bico,abi" };
var epochs = new Option<int>("--epochs") { Description = "Epochs over the training file per objective.", DefaultValueFactory = _ => 25 };
var preset = new Option<string>("--preset") { Description = "Model preset: tiny (d128, 4 layers) or small (d256, 6 layers).", DefaultValueFactory = _ => "tiny" };
preset.AcceptOnlyFromAmong("tiny", "small");
var seed = new Option<int>("--seed") { Description = "Seed for data generation, initialisation, data order and objective randomness.", DefaultValueFactory = _ => 1 };
var threads = new Option<int>("--threads") { Description = "Compute threads.", DefaultValueFactory = _ => Environment.ProcessorCount };
var output = new Option<string?>("--out") { Description = "Folder that receives results.md and results.json (and the generated data)." };
var people = new Option<int>("--people") { Description = "Generated data: people per subset (p2d, d2p, both).", DefaultValueFactory = _ => 30 };
var templates = new Option<int>("--templates") { Description = "Generated data: training templates per person.", DefaultValueFactory = _ => 20 };
var batch = new Option<int>("--batch-size") { Description = "Examples per optimizer step.", DefaultValueFactory = _ => 64 };
var learningRate = new Option<double>("--lr") { Description = "Peak learning rate (AdamW, 100 warm-up steps, cosine decay).", DefaultValueFactory = _ => 3e-3 };
var evaluateMax = new Option<int?>("--eval-max") { Description = "Evaluate only the first N rows of each test split." };

var root = new RootCommand("Reversal-curse demo: trains a from-scratch Llama with NTP, the BICO mix and the ABI mix on fictitious-people facts and scores every reversal split.")
{
    data, objectives, epochs, preset, seed, threads, output, people, templates, batch, learningRate, evaluateMax,
};
root.SetAction((parse, cancellationToken) =>
{
    var names = parse.GetValue(objectives)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    var unknown = names.Where(n => !ObjectiveCatalog.Names.Contains(n)).ToArray();
    if (names.Length == 0 || unknown.Length > 0)
    {
        AnsiConsole.MarkupLine($"[red]--objectives: unknown objective(s) {Markup.Escape(string.Join(", ", unknown))}; choose from {string.Join(", ", ObjectiveCatalog.Names)}.[/]");
        return Task.FromResult(2);
    }
    var settings = new DemoSettings
    {
        DataDirectory = parse.GetValue(data), Objectives = names, Epochs = parse.GetValue(epochs), Preset = parse.GetValue(preset)!,
        Seed = parse.GetValue(seed), Threads = parse.GetValue(threads), OutputDirectory = parse.GetValue(output),
        People = parse.GetValue(people), Templates = parse.GetValue(templates), BatchSize = parse.GetValue(batch),
        LearningRate = parse.GetValue(learningRate), EvaluateMax = parse.GetValue(evaluateMax),
    };
    try
    {
        return Task.FromResult(new ReversalCurseDemo(settings, AnsiConsole.Console).Run(cancellationToken));
    }
    catch (Exception e) when (e is ArgumentException or FormatException or IOException or InvalidOperationException)
    {
        AnsiConsole.MarkupLine($"[red]error:[/] {Markup.Escape(e.Message)}");
        return Task.FromResult(1);
    }
});
return await root.Parse(args).InvokeAsync();
