using System.Runtime.InteropServices;

namespace ProtoScope.Tui.Lifetime;

/// <summary>The few libc calls the UI needs to notice that its terminal is gone and to leave without it.</summary>
internal static partial class Posix
{
    public const int StdinFd = 0;
    public const int StdoutFd = 1;

    // poll(2) reports these whatever events were asked for: a hung-up terminal (its pseudo-terminal's master
    // closed, or vhangup after the SSH session dropped), an error on the descriptor, a descriptor that is closed.
    public const short PollErr = 0x008;
    public const short PollHup = 0x010;
    public const short PollNval = 0x020;

    private const int Eintr = 4;

    [StructLayout(LayoutKind.Sequential)]
    public struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    /// <summary>
    /// True when any of <paramref name="fds"/> is hung up, in error or closed, after waiting up to
    /// <paramref name="timeoutMs"/>. Asks for no events, so input waiting to be read neither wakes it nor is consumed.
    /// </summary>
    public static bool AnyHungUp(ReadOnlySpan<int> fds, int timeoutMs)
    {
        Span<PollFd> set = stackalloc PollFd[fds.Length];
        for (int i = 0; i < fds.Length; i++) set[i] = new PollFd { Fd = fds[i] };
        int n = poll(ref MemoryMarshal.GetReference(set), (nuint)set.Length, timeoutMs);
        if (n < 0) return Marshal.GetLastPInvokeError() != Eintr;
        foreach (var p in set)
            if ((p.Revents & (PollErr | PollHup | PollNval)) != 0) return true;
        return false;
    }

    /// <summary>The terminal's settings (struct termios, kept opaque), or null when fd is no terminal.</summary>
    public static byte[]? GetTerminalSettings(int fd)
    {
        // Larger than struct termios on every Linux ABI (60 bytes on x86-64 and arm64).
        var settings = new byte[256];
        return tcgetattr(fd, settings) == 0 ? settings : null;
    }

    public static void SetTerminalSettings(int fd, byte[] settings) => _ = tcsetattr(fd, 0 /* TCSANOW */, settings);

    public static void Write(int fd, ReadOnlySpan<byte> bytes) => _ = write(fd, ref MemoryMarshal.GetReference(bytes), (nuint)bytes.Length);

    /// <summary>Ends the process at once: no managed shutdown, no finalizers, nothing that could wait on a thread.</summary>
    public static void ExitNow(int code) => _exit(code);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int poll(ref PollFd fds, nuint count, int timeoutMs);

    [LibraryImport("libc")]
    private static partial int tcgetattr(int fd, [Out] byte[] settings);

    [LibraryImport("libc")]
    private static partial int tcsetattr(int fd, int when, [In] byte[] settings);

    [LibraryImport("libc")]
    private static partial nint write(int fd, ref readonly byte bytes, nuint count);

    [LibraryImport("libc")]
    private static partial void _exit(int code);
}
