namespace ProtoScope.Tui.Lifetime;

/// <summary>
/// Notices that the UI's terminal is gone: the pseudo-terminal's master closed (tmux or the SSH session ended),
/// the line hung up, or stdin or stdout failed. A SIGHUP says the same, but it does not always come: a UI started
/// under nohup, or in a process group the kernel does not signal, learns it only from the descriptors.
/// </summary>
/// <remarks>
/// A background thread of its own polls stdin and stdout for hang-up and error, asking for no events, so it never
/// competes with the UI for input. It wakes four times a second to see whether it was disposed; a hang-up ends
/// its wait at once.
/// </remarks>
internal sealed class TerminalWatch : IDisposable
{
    private readonly Action _lost;
    private readonly Thread _thread;
    private volatile bool _disposed;

    public TerminalWatch(Action lost)
    {
        _lost = lost;
        _thread = new Thread(Watch) { IsBackground = true, Name = "protoscope terminal watch" };
        _thread.Start();
    }

    private void Watch()
    {
        ReadOnlySpan<int> fds = [Posix.StdinFd, Posix.StdoutFd];
        while (!_disposed)
        {
            if (Posix.AnyHungUp(fds, timeoutMs: 250))
            {
                if (!_disposed) _lost();
                return;
            }
        }
    }

    public void Dispose() => _disposed = true;
}
