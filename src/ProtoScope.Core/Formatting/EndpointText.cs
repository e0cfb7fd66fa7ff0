using ProtoScope.Core.Decoding;

namespace ProtoScope.Core.Formatting;

/// <summary>An address and port as every output writes them.</summary>
public static class EndpointText
{
    /// <summary>"10.0.0.1:80", or "[2001:db8::1]:80": an IPv6 address is bracketed so its colons do not run into the port (RFC 3986 §3.2.2).</summary>
    public static string Of(NetAddress address, ushort port) =>
        address.Version == 6 ? $"[{address}]:{port}" : $"{address}:{port}";
}
