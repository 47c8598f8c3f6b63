using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace OrleansChat.TestInfrastructure;

/// <summary>A logger provider that keeps every line at or above <paramref name="minimum"/>, for tests that assert on the log.</summary>
public sealed class LogRecorder(LogLevel minimum = LogLevel.Trace) : ILoggerProvider
{
    private readonly ConcurrentQueue<LogLine> _lines = new();

    public IEnumerable<LogLine> Lines => _lines;

    /// <summary>Each line's message with its exception, if any, as one text.</summary>
    public IEnumerable<string> Messages => _lines.Select(l => l.Exception is null ? l.Message : l.Message + " " + l.Exception);

    public ILogger CreateLogger(string categoryName) => new Recorder(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Recorder(LogRecorder owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= owner._minimum;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                owner._lines.Enqueue(new LogLine(logLevel, category, formatter(state, exception), exception));
            }
        }
    }

    private readonly LogLevel _minimum = minimum;
}

/// <summary>One line a <see cref="LogRecorder"/> kept.</summary>
public sealed record LogLine(LogLevel Level, string Category, string Message, Exception? Exception);
