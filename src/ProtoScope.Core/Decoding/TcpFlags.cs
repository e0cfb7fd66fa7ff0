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
    /// <summary>
    /// Every flag's name (the JSON schema's) and tcpdump's letter (print-tcp.c tcp_flag_values), lowest bit first:
    /// the order both the JSON list and tcpdump's F S R P . U E W e follow.
    /// </summary>
    private static readonly (TcpFlags Flag, string Name, char Letter)[] Flags =
    [
        (TcpFlags.Fin, "FIN", 'F'), (TcpFlags.Syn, "SYN", 'S'), (TcpFlags.Rst, "RST", 'R'), (TcpFlags.Psh, "PSH", 'P'),
        (TcpFlags.Ack, "ACK", '.'), (TcpFlags.Urg, "URG", 'U'), (TcpFlags.Ece, "ECE", 'E'), (TcpFlags.Cwr, "CWR", 'W'),
        (TcpFlags.AE, "AE", 'e'),
    ];

    /// <summary>The order people say a segment's flags in ("SYN-ACK", "FIN-ACK", "PSH-ACK"): ACK last.</summary>
    private static readonly TcpFlags[] SpokenOrder = [TcpFlags.Syn, TcpFlags.Fin, TcpFlags.Rst, TcpFlags.Psh, TcpFlags.Urg, TcpFlags.Ack];

    /// <summary>The flag names of the JSON schema, lowest bit first.</summary>
    public static IEnumerable<string> JsonNames(TcpFlags flags)
    {
        foreach (var (flag, name, _) in Flags)
            if ((flags & flag) != 0) yield return name;
    }

    /// <summary>tcpdump's bracketed notation without the brackets: "S.", "P.", "FSRP.UEW"; "none" when no flag is set.</summary>
    public static string Tcpdump(TcpFlags flags)
    {
        if (flags == TcpFlags.None) return "none";
        Span<char> buf = stackalloc char[9];
        int n = 0;
        foreach (var (flag, _, letter) in Flags)
            if ((flags & flag) != 0) buf[n++] = letter;
        return new string(buf[..n]);
    }

    /// <summary>The segment's name as people say it: SYN, SYN-ACK, FIN-ACK, RST-ACK, PSH-ACK, ACK; "&lt;none&gt;" without any of those six.</summary>
    public static string Spoken(TcpFlags flags)
    {
        var parts = new List<string>(4);
        foreach (var flag in SpokenOrder)
            if ((flags & flag) != 0) parts.Add(Flags[System.Numerics.BitOperations.TrailingZeroCount((uint)flag)].Name);
        return parts.Count == 0 ? "<none>" : string.Join('-', parts);
    }
}
