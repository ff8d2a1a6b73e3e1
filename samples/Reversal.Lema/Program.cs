using System.CommandLine;
using Reversal.Lema;
using Reversal.Samples.Common;
using Spectre.Console;

using var signals = new StopSignals();
var defaults = new LemaSettings();
var output = new Option<string?>("--out") { Description = "Folder that receives results.md, results.json, the LEMA data (data/) and the checkpoints." };
var seeds = new Option<int>("--seeds") { Description = "Fine-tuning seeds per condition.", DefaultValueFactory = _ => defaults.Seeds }.AtLeast(1);
var taskSeed = new Option<int>("--task-seed") { Description = "Seed of the task, base checkpoint, reasoner sampling and evolution.", DefaultValueFactory = _ => defaults.TaskSeed };
var pretrain = new Option<int>("--pretrain") { Description = "Problems the base checkpoint is pre-trained on (disjoint from train and test).", DefaultValueFactory = _ => defaults.Pretrain }.AtLeast(1);
var pretrainEpochs = new Option<int>("--pretrain-epochs") { Description = "Pre-training epochs of the base checkpoint.", DefaultValueFactory = _ => defaults.PretrainEpochs }.AtLeast(1);
var train = new Option<int>("--train") { Description = "Training problems.", DefaultValueFactory = _ => defaults.Train }.AtLeast(1);
var test = new Option<int>("--test") { Description = "Held-out test problems.", DefaultValueFactory = _ => defaults.Test }.AtLeast(1);
var minSteps = new Option<int>("--min-steps") { Description = "Fewest operations per problem.", DefaultValueFactory = _ => defaults.MinSteps }.AtLeast(1);
var maxSteps = new Option<int>("--max-steps") { Description = "Most operations per problem.", DefaultValueFactory = _ => defaults.MaxSteps }.AtLeast(1);
var maxStart = new Option<int>("--max-start") { Description = "Largest start value.", DefaultValueFactory = _ => defaults.MaxStart }.AtLeast(1);
var maxOperand = new Option<int>("--max-operand") { Description = "Largest number added or subtracted.", DefaultValueFactory = _ => defaults.MaxOperand }.AtLeast(1);
var maxFactor = new Option<int>("--max-factor") { Description = "Largest multiplier or divisor.", DefaultValueFactory = _ => defaults.MaxFactor }.AtLeast(1);
var maxValue = new Option<int>("--max-value") { Description = "Largest value any step may produce.", DefaultValueFactory = _ => defaults.MaxValue }.AtLeast(1);
var reasonerEpochs = new Option<int>("--reasoner-epochs") { Description = "CoT epochs that make the reasoner.", DefaultValueFactory = _ => defaults.ReasonerEpochs }.AtLeast(1);
var paths = new Option<int>("--paths") { Description = "Paths sampled per training question (k).", DefaultValueFactory = _ => defaults.Paths }.AtLeast(1);
var temperature = new Option<float>("--temperature") { Description = "Reasoner sampling temperature (0: greedy).", DefaultValueFactory = _ => defaults.Temperature }.InRange(0, 10);
var evolved = new Option<int>("--evolved") { Description = "Evolved questions per evolution strategy.", DefaultValueFactory = _ => defaults.Evolved }.AtLeast(0);
var epochs = new Option<int>("--epochs") { Description = "Fine-tuning epochs per condition.", DefaultValueFactory = _ => defaults.Epochs }.AtLeast(1);
var batch = new Option<int>("--batch-size") { Description = "Examples per optimizer step.", DefaultValueFactory = _ => defaults.BatchSize }.AtLeast(1);
var learningRate = new Option<double>("--lr") { Description = "Peak learning rate of the reasoner's and every condition's fine-tuning (AdamW, warm-up, cosine decay).", DefaultValueFactory = _ => defaults.LearningRate }.Within(0, 1);
var pretrainLearningRate = new Option<double>("--pretrain-lr") { Description = "Peak learning rate of pre-training the base checkpoint.", DefaultValueFactory = _ => defaults.PretrainLearningRate }.Within(0, 1);
var baseDirectory = new Option<string?>("--base") { Description = "Reuse the base checkpoint of an earlier run with the same task settings (its checkpoints/base folder); skips pre-training." };
var threads = new Option<int>("--threads") { Description = "Compute threads.", DefaultValueFactory = _ => defaults.Threads }.AtLeast(1);

var root = new RootCommand("LEMA end to end: a CoT-trained Tiny Llama makes mistakes on a verifiable arithmetic task, a programmatic corrector fixes them, and five fine-tunings from one base checkpoint compare CoT, CoT at equal tokens, LEMA and LEMA with correction-centric or random evolution.")
{
    output, seeds, taskSeed, pretrain, pretrainEpochs, train, test, minSteps, maxSteps, maxStart, maxOperand, maxFactor, maxValue, reasonerEpochs, paths, temperature, evolved, epochs, batch, learningRate, pretrainLearningRate, baseDirectory, threads,
};
root.SetAction(async (parse, cancellationToken) =>
{
    var settings = new LemaSettings
    {
        OutputDirectory = parse.GetValue(output), Seeds = parse.GetValue(seeds), TaskSeed = parse.GetValue(taskSeed),
        Pretrain = parse.GetValue(pretrain), PretrainEpochs = parse.GetValue(pretrainEpochs), Train = parse.GetValue(train),
        Test = parse.GetValue(test), MinSteps = parse.GetValue(minSteps), MaxSteps = parse.GetValue(maxSteps),
        MaxStart = parse.GetValue(maxStart), MaxOperand = parse.GetValue(maxOperand), MaxFactor = parse.GetValue(maxFactor), MaxValue = parse.GetValue(maxValue),
        ReasonerEpochs = parse.GetValue(reasonerEpochs), Paths = parse.GetValue(paths), Temperature = parse.GetValue(temperature),
        Evolved = parse.GetValue(evolved), Epochs = parse.GetValue(epochs), BatchSize = parse.GetValue(batch), LearningRate = parse.GetValue(learningRate),
        PretrainLearningRate = parse.GetValue(pretrainLearningRate), BaseDirectory = parse.GetValue(baseDirectory),
        Threads = parse.GetValue(threads),
    };
    try
    {
        return await new LemaExperiment(settings, AnsiConsole.Console).RunAsync(cancellationToken);
    }
    catch (OperationCanceledException)
    {
        AnsiConsole.MarkupLine("[yellow]Stopped; the JSONL and checkpoints written so far are complete. Rerun with --base <out>/checkpoints/base to skip pre-training.[/]");
        return signals.ExitCode ?? 130;
    }
    catch (Exception e) when (e is ArgumentException or FormatException or IOException or InvalidOperationException)
    {
        AnsiConsole.MarkupLine($"[red]error:[/] {Markup.Escape(e.Message)}");
        return 1;
    }
});
return await CommandLineHost.InvokeAsync(root, args, signals);
