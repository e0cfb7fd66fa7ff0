using System.Text;
using ProtoScope.Core.Formatting;

namespace ProtoScope.Cli;

/// <summary>Where a verb writes: stdout is the program's own output (people pipe it to jq), stderr is for people.</summary>
internal sealed class CliContext(Stream stdout, TextWriter stderr, bool stdoutIsTerminal, CancellationToken stopping)
{
    public Stream Stdout { get; } = stdout;
    public TextWriter Stderr { get; } = stderr;
    /// <summary>True only when the real stdout is a terminal: the one case where colour may be added.</summary>
    public bool StdoutIsTerminal { get; } = stdoutIsTerminal;

    /// <summary>
    /// Fires on SIGINT (Ctrl-C), SIGTERM or SIGHUP: long-running verbs stop cleanly (flush files, close
    /// connections with FIN, print their summary) and exit 0, as tcpdump does.
    /// </summary>
    public CancellationToken Stopping { get; } = stopping;

    /// <summary>A one-line warning on stderr (escaped like <see cref="Fail"/>); the exit code is unchanged.</summary>
    public void Warn(string? message)
    {
        if (message is not null) Stderr.WriteLine($"protoscope: {TerminalText.Escape(message)}");
    }

    /// <summary>
    /// Writes one line to stdout at once, from any thread (peer logs arrive from many connections). The line is
    /// escaped (<see cref="TerminalText"/>): peer logs carry endpoints, sizes and reasons, never payload bytes, but an
    /// exception message or a future field could carry a peer's text.
    /// </summary>
    public void WriteLine(string line)
    {
        var bytes = Encoding.UTF8.GetBytes(TerminalText.Escape(line) + "\n");
        lock (Stdout)
        {
            Stdout.Write(bytes);
            Stdout.Flush();
        }
    }

    public StreamWriter OpenText() => new(Stdout, new UTF8Encoding(false), 1 << 16, leaveOpen: true) { AutoFlush = false };

    /// <summary>
    /// Prints the one-line error and returns exit code 2. The message is escaped (<see cref="TerminalText"/>): it
    /// often quotes a file name or an argument, which may hold escape sequences of their own.
    /// </summary>
    public int Fail(string message)
    {
        Stderr.WriteLine($"protoscope: {TerminalText.Escape(message)}");
        return ExitCodes.BadInput;
    }
}
