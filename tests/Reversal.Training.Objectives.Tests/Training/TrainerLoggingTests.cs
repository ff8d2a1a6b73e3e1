using Microsoft.Extensions.Logging;
using Reversal.Training;
using Reversal.Training.Objectives;

namespace Reversal.Training.Objectives.Tests.Training;

public class TrainerLoggingTests
{
    [Test]
    public void Logs_the_run_and_every_epoch_through_Microsoft_Extensions_Logging()
    {
        var sink = new CapturingLoggerFactory();
        var trainer = Trainer.For(TinyTask.SmallModel(1)).WithObjective(new NextTokenPrediction()).WithSpecialTokens(SpecialTokenIds.Default).WithLogger(sink).Build();

        trainer.Fit(TinyTask.Sequences(6, 2), epochs: 2, batchSize: 3);

        var info = sink.Entries.Where(e => e.Level == LogLevel.Information).Select(e => e.Message).ToList();
        Assert.That(sink.Categories, Does.Contain(typeof(Trainer).FullName));
        Assert.That(info[0], Does.Contain("Training").And.Contain("ntp").And.Contain("6 examples"));
        Assert.That(info.Count(m => m.StartsWith("epoch ")), Is.EqualTo(2));
        Assert.That(sink.Entries.Count(e => e.Level == LogLevel.Debug && e.Message.StartsWith("step ")), Is.EqualTo(4));
    }

    private sealed class CapturingLoggerFactory : ILoggerFactory
    {
        public List<(LogLevel Level, string Message)> Entries { get; } = [];
        public List<string> Categories { get; } = [];
        public ILogger CreateLogger(string categoryName)
        {
            Categories.Add(categoryName);
            return new Logger(Entries);
        }
        public void AddProvider(ILoggerProvider provider) { }
        public void Dispose() { }

        private sealed class Logger(List<(LogLevel, string)> entries) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
            public bool IsEnabled(LogLevel logLevel) => true;
            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                entries.Add((logLevel, formatter(state, exception)));
        }
    }
}
