using System.Globalization;
using System.Runtime.CompilerServices;

namespace ProtoScope.Core.Tcp;

/// <summary>
/// A TCP sequence or acknowledgment number: arithmetic modulo 2^32 (RFC 9293 §3.4) and comparison as RFC 1982
/// serial numbers, as gopacket's reassembly.Sequence. Holding sequence numbers in this type rather than in a raw
/// <see cref="uint"/> keeps a plain <c>&lt;</c>, which is wrong across the wrap, from creeping in.
/// </summary>
/// <remarks>
/// A 4-byte value with inlined operators: as cheap as the <see cref="uint"/> it wraps (no boxing: it implements the
/// generic interfaces). Two numbers exactly 2^31 apart are each before the other (RFC 1982 leaves that undefined).
/// </remarks>
public readonly struct SequenceNumber(uint raw) : IEquatable<SequenceNumber>, IComparable<SequenceNumber>
{
    /// <summary>The number as it is on the wire.</summary>
    public uint Raw { get; } = raw;

    /// <summary>Signed distance from <paramref name="from"/> to <paramref name="to"/>, correct across the wrap.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int operator -(SequenceNumber to, SequenceNumber from) => unchecked((int)(to.Raw - from.Raw));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static SequenceNumber operator +(SequenceNumber s, int n) => new(unchecked(s.Raw + (uint)n));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static SequenceNumber operator -(SequenceNumber s, int n) => new(unchecked(s.Raw - (uint)n));

    public static bool operator <(SequenceNumber a, SequenceNumber b) => a - b < 0;
    public static bool operator >(SequenceNumber a, SequenceNumber b) => a - b > 0;
    public static bool operator <=(SequenceNumber a, SequenceNumber b) => a - b <= 0;
    public static bool operator >=(SequenceNumber a, SequenceNumber b) => a - b >= 0;
    public static bool operator ==(SequenceNumber a, SequenceNumber b) => a.Raw == b.Raw;
    public static bool operator !=(SequenceNumber a, SequenceNumber b) => a.Raw != b.Raw;

    public int CompareTo(SequenceNumber other) => this - other;
    public bool Equals(SequenceNumber other) => Raw == other.Raw;
    public override bool Equals(object? obj) => obj is SequenceNumber other && Equals(other);
    public override int GetHashCode() => (int)Raw;
    public override string ToString() => Raw.ToString(CultureInfo.InvariantCulture);
}
