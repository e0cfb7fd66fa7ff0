using System.Buffers.Binary;
using System.Net;

namespace ProtoScope.Core.Decoding;

/// <summary>An IPv4 or IPv6 address held by value, so flow keys and packet records never allocate.</summary>
public readonly struct NetAddress : IEquatable<NetAddress>, IComparable<NetAddress>, ISpanFormattable
{
    private readonly ulong _hi;
    private readonly ulong _lo;

    /// <summary>0 for no address, 4 or 6.</summary>
    public byte Version { get; }

    private NetAddress(ulong hi, ulong lo, byte version)
    {
        _hi = hi;
        _lo = lo;
        Version = version;
    }

    public bool IsNone => Version == 0;

    /// <summary>The address's upper and lower 64 bits (an IPv4 address is the low 32 bits of <see cref="Low"/>), for hashing.</summary>
    internal ulong High => _hi;
    internal ulong Low => _lo;

    /// <summary>The address <see cref="High"/>, <see cref="Low"/> and <see cref="Version"/> describe.</summary>
    internal static NetAddress FromParts(ulong high, ulong low, byte version) => new(high, low, version);

    /// <summary>255.255.255.255 (Zeek's IPAddr::IsBroadcast: never flip a conversation towards it).</summary>
    public bool IsBroadcast => Version == 4 && _lo == 0xFFFF_FFFF;

    public static NetAddress FromIPv4(ReadOnlySpan<byte> bytes) =>
        new(0, BinaryPrimitives.ReadUInt32BigEndian(bytes), 4);

    public static NetAddress FromIPv6(ReadOnlySpan<byte> bytes) =>
        new(BinaryPrimitives.ReadUInt64BigEndian(bytes), BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]), 6);

    public static NetAddress From(IPAddress address)
    {
        Span<byte> b = stackalloc byte[16];
        address.TryWriteBytes(b, out int n);
        return n == 4 ? FromIPv4(b) : FromIPv6(b);
    }

    public static NetAddress Parse(string text) => From(IPAddress.Parse(text));

    public static bool TryParse(string text, out NetAddress address)
    {
        address = default;
        if (!IPAddress.TryParse(text, out var ip)) return false;
        address = From(ip);
        return true;
    }

    public IPAddress ToIPAddress()
    {
        Span<byte> b = stackalloc byte[16];
        if (Version == 4)
        {
            BinaryPrimitives.WriteUInt32BigEndian(b, (uint)_lo);
            return new IPAddress(b[..4]);
        }
        BinaryPrimitives.WriteUInt64BigEndian(b, _hi);
        BinaryPrimitives.WriteUInt64BigEndian(b[8..], _lo);
        return new IPAddress(b);
    }

    public override string ToString() => Version == 0 ? "" : ToIPAddress().ToString();

    /// <summary>Writes the address in its usual text form (at most 45 characters; empty for none); IPv4 without allocating.</summary>
    public bool TryFormat(Span<char> destination, out int written)
    {
        if (Version == 4)
        {
            uint v = (uint)_lo;
            return destination.TryWrite(System.Globalization.CultureInfo.InvariantCulture, $"{v >> 24}.{(v >> 16) & 0xFF}.{(v >> 8) & 0xFF}.{v & 0xFF}", out written);
        }
        if (Version == 6) return ToIPAddress().TryFormat(destination, out written);
        written = 0;
        return true;
    }

    // ISpanFormattable, so that an interpolated string formats the address in place.
    bool ISpanFormattable.TryFormat(Span<char> destination, out int written, ReadOnlySpan<char> format, IFormatProvider? provider) =>
        TryFormat(destination, out written);

    string IFormattable.ToString(string? format, IFormatProvider? formatProvider) => ToString();

    /// <summary>Appends the address in its usual text form; IPv4 without allocating.</summary>
    public void AppendTo(System.Text.StringBuilder sb)
    {
        Span<char> text = stackalloc char[48];
        TryFormat(text, out int length);
        sb.Append(text[..length]);
    }

    public bool Equals(NetAddress other) => _hi == other._hi && _lo == other._lo && Version == other.Version;
    public override bool Equals(object? obj) => obj is NetAddress other && Equals(other);
    public override int GetHashCode() => HashCode.Combine(_hi, _lo, Version);
    public static bool operator ==(NetAddress a, NetAddress b) => a.Equals(b);
    public static bool operator !=(NetAddress a, NetAddress b) => !a.Equals(b);

    public int CompareTo(NetAddress other)
    {
        int c = Version.CompareTo(other.Version);
        if (c != 0) return c;
        c = _hi.CompareTo(other._hi);
        return c != 0 ? c : _lo.CompareTo(other._lo);
    }
}
