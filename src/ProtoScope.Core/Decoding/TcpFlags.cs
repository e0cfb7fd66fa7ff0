namespace ProtoScope.Core.Decoding;

/// <summary>The nine TCP header flags with their wire bit values (RFC 9293 §3.1, AE from RFC 9768 AccECN).</summary>
[Flags]
public enum TcpFlags : ushort
{
    None = 0,
    Fin = 0x001,
    Syn = 0x002,
    Rst = 0x004,
    Psh = 0x008,
    Ack = 0x010,
    Urg = 0x020,
    Ece = 0x040,
    Cwr = 0x080,
    AE = 0x100,
}

public static class TcpFlagNotation
{
    private static readonly (TcpFlags Flag, string Name)[] Names =
    [
        (TcpFlags.Fin, "FIN"), (TcpFlags.Syn, "SYN"), (TcpFlags.Rst, "RST"), (TcpFlags.Psh, "PSH"), (TcpFlags.Ack, "ACK"),
        (TcpFlags.Urg, "URG"), (TcpFlags.Ece, "ECE"), (TcpFlags.Cwr, "CWR"), (TcpFlags.AE, "AE"),
    ];

    /// <summary>tcpdump's letters, in tcpdump's order (print-tcp.c tcp_flag_values): F S R P . U E W e.</summary>
    private static readonly (TcpFlags Flag, char Letter)[] Letters =
    [
        (TcpFlags.Fin, 'F'), (TcpFlags.Syn, 'S'), (TcpFlags.Rst, 'R'), (TcpFlags.Psh, 'P'), (TcpFlags.Ack, '.'),
        (TcpFlags.Urg, 'U'), (TcpFlags.Ece, 'E'), (TcpFlags.Cwr, 'W'), (TcpFlags.AE, 'e'),
    ];

    /// <summary>The flag names of the JSON schema, lowest bit first.</summary>
    public static IEnumerable<string> JsonNames(TcpFlags flags)
    {
        foreach (var (flag, name) in Names)
            if ((flags & flag) != 0) yield return name;
    }

    /// <summary>tcpdump's bracketed notation without the brackets: "S.", "P.", "FSRP.UEW"; "none" when no flag is set.</summary>
    public static string Tcpdump(TcpFlags flags)
    {
        if (flags == TcpFlags.None) return "none";
        Span<char> buf = stackalloc char[9];
        int n = 0;
        foreach (var (flag, letter) in Letters)
            if ((flags & flag) != 0) buf[n++] = letter;
        return new string(buf[..n]);
    }
}
