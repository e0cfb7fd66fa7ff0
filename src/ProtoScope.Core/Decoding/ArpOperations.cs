namespace ProtoScope.Core.Decoding;

/// <summary>
/// The ARP operations ProtoScope names: request and reply (RFC 826), reverse request and reverse reply (RFC 903,
/// Reverse ARP, which shares ARP's packet format). The one table every output takes the names from.
/// </summary>
public static class ArpOperations
{
    public const ushort Request = 1;
    public const ushort Reply = 2;
    public const ushort ReverseRequest = 3;
    public const ushort ReverseReply = 4;

    /// <summary>By operation number, as tcpdump spells them (print-arp.c, arpop_values).</summary>
    private static readonly string[] Names = ["", "Request", "Reply", "Reverse Request", "Reverse Reply"];

    private static readonly string[] Labels = Array.ConvertAll(Names, name => name.ToLowerInvariant());

    /// <summary>"Request", "Reply", "Reverse Request" or "Reverse Reply", as tcpdump prints them; null for any other operation.</summary>
    public static string? Name(ushort operation) => operation is >= Request and <= ReverseReply ? Names[operation] : null;

    /// <summary>The same name in lower case ("reverse request"), as the detail tree and the packet list write it; null for any other operation.</summary>
    public static string? Label(ushort operation) => operation is >= Request and <= ReverseReply ? Labels[operation] : null;
}
