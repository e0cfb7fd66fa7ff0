using System.Diagnostics;

namespace ProtoScope.Cli.Tests.Live;

/// <summary>
/// Records one scenario played by scenario.py with real sockets: tcpdump is started first (in the client's
/// namespace, or in this one for loopback) and its "listening on" awaited, the server is started and its "ready"
/// awaited, the client runs to the end, then tcpdump is stopped with SIGINT so it writes out the file. tcpdump runs
/// in immediate mode: otherwise libpcap hands packets over in blocks, and the last block is lost on SIGINT.
/// </summary>
public static class LiveCapture
{
    private static string Script => Path.Combine(AppContext.BaseDirectory, "Live", "scenario.py");

    /// <param name="clientNs">Namespace of the client and of tcpdump; null for this namespace.</param>
    public static string Record(string? clientNs, string? serverNs, string iface, string mode, string host, int port, string filter)
    {
        string file = Path.Combine(Path.GetTempPath(), $"protoscope-conns-{Guid.NewGuid():N}.pcap");
        using var tcpdump = Start(clientNs, "tcpdump", "-i", iface, "-n", "--immediate-mode", "-U", "-w", file, filter);
        WaitFor(tcpdump.StandardError, "listening on");
        Process? server = null;
        try
        {
            if (mode is not ("refused" or "unanswered"))
            {
                server = Start(serverNs, "python3", Script, "server", mode, host, port.ToString(System.Globalization.CultureInfo.InvariantCulture));
                WaitFor(server.StandardOutput, "ready");
            }
            using var client = Start(clientNs, "python3", Script, "client", mode, host, port.ToString(System.Globalization.CultureInfo.InvariantCulture));
            if (!client.WaitForExit(15_000)) throw new TimeoutException("the client did not finish");
            if (server is not null && !server.WaitForExit(15_000)) throw new TimeoutException("the server did not finish");
            Thread.Sleep(300);
        }
        finally
        {
            NetnsPair.Run("kill", ["-INT", tcpdump.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)], check: false);
            tcpdump.WaitForExit(10_000);
            if (server is { HasExited: false }) server.Kill();
            server?.Dispose();
        }
        return file;
    }

    private static Process Start(string? ns, params string[] command)
    {
        var psi = ns is null ? new ProcessStartInfo(command[0]) : new ProcessStartInfo("ip");
        if (ns is not null) { psi.ArgumentList.Add("netns"); psi.ArgumentList.Add("exec"); psi.ArgumentList.Add(ns); psi.ArgumentList.Add(command[0]); }
        foreach (var a in command.Skip(1)) psi.ArgumentList.Add(a);
        psi.RedirectStandardError = true;
        psi.RedirectStandardOutput = true;
        return Process.Start(psi)!;
    }

    private static void WaitFor(StreamReader reader, string text)
    {
        var read = Task.Run(() =>
        {
            string? line;
            while ((line = reader.ReadLine()) is not null)
                if (line.Contains(text, StringComparison.Ordinal)) return true;
            return false;
        });
        if (!read.Wait(10_000) || !read.Result) throw new TimeoutException($"no \"{text}\" from the process");
    }
}
