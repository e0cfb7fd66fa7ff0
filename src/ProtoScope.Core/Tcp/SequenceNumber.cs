namespace ProtoScope.Core.Tcp;

/// <summary>32-bit sequence-number arithmetic modulo 2^32 (RFC 9293 §3.4, RFC 1982 serial numbers).</summary>
public static class SequenceNumber
{
    /// <summary>Signed distance from <paramref name="from"/> to <paramref name="to"/>, correct across wraparound.</summary>
    public static int Diff(uint to, uint from) => (int)(to - from);

    public static bool Before(uint a, uint b) => (int)(a - b) < 0;
    public static bool After(uint a, uint b) => (int)(a - b) > 0;
    public static bool BeforeOrEqual(uint a, uint b) => (int)(a - b) <= 0;
    public static bool AfterOrEqual(uint a, uint b) => (int)(a - b) >= 0;
}
