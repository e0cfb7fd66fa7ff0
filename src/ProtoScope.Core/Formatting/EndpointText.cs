using ProtoScope.Core.Decoding;

namespace ProtoScope.Core.Formatting;

/// <summary>
/// An address and port as every output writes them: "10.0.0.1:80", or "[2001:db8::1]:80", an IPv6 address bracketed
/// so its colons do not run into the port (RFC 3986 §3.2.2). Interpolated, it formats in place.
/// </summary>
public readonly struct EndpointText(NetAddress address, ushort port) : ISpanFormattable
{
    public static string Of(NetAddress address, ushort port) => new EndpointText(address, port).ToString();

    public override string ToString() => $"{this}";

    public bool TryFormat(Span<char> destination, out int written, ReadOnlySpan<char> format, IFormatProvider? provider) =>
        address.Version == 6
            ? destination.TryWrite(provider, $"[{address}]:{port}", out written)
            : destination.TryWrite(provider, $"{address}:{port}", out written);

    public string ToString(string? format, IFormatProvider? formatProvider) => ToString();
}
