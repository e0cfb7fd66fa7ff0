namespace ProtoScope.Core.Decoding;

public enum Transport : byte { None, Tcp, Udp, Icmp, Icmpv6, Arp, Other }

public static class TransportNames
{
    /// <summary>The lower-case name the outputs print ("proto" in JSON, the `conns` and `frames` text).</summary>
    public static string Name(this Transport transport) => transport switch
    {
        Transport.Tcp => "tcp",
        Transport.Udp => "udp",
        Transport.Icmp => "icmp",
        Transport.Icmpv6 => "icmpv6",
        Transport.Arp => "arp",
        _ => "other",
    };
}

public enum Network : byte { None, IPv4, IPv6, Arp, Other }

/// <summary>
/// Everything the decoder reads from one packet's headers. The caller owns it and reuses it from packet
/// to packet (<see cref="PacketDecoder.Decode"/> resets it), so the steady state allocates nothing.
/// Offsets point into the captured bytes handed to the decoder.
/// </summary>
public struct DecodedPacket
{
    public int LinkType;
    public int CapturedLength;
    public int WireLength;
    public Network Network;
    public Transport Transport;
    /// <summary>Ethertype (or SLL protocol) of the payload the link layer carried; 0 when there is none.</summary>
    public ushort EtherType;
    public ushort VlanId;
    public byte VlanDepth;

    public int NetworkOffset;
    public int NetworkHeaderLength;
    /// <summary>IPv4 total length or IPv6 40 + payload length, as written in the header.</summary>
    public int IpLength;
    public byte Ttl;
    public ushort IpId;
    /// <summary>IP protocol number (IPv6: the upper-layer next header after extension headers).</summary>
    public byte IpProtocol;
    /// <summary>True for any fragment but the first, which carries no transport header.</summary>
    public bool IsLaterFragment;
    public bool MoreFragments;
    /// <summary>Where this fragment's data goes in the datagram, in bytes (the header's offset field times 8).</summary>
    public int FragmentOffset;
    /// <summary>The datagram a fragment belongs to: the IPv4 identification, or the IPv6 fragment header's 32-bit one.</summary>
    public uint FragmentId;
    /// <summary>Where a fragment's data starts in the captured bytes: after the IPv4 header, or after IPv6's fragment header.</summary>
    public int FragmentDataOffset;
    /// <summary>
    /// Set on the packet whose fragment completed a datagram: the transport fields then describe the reassembled
    /// datagram (see <see cref="Session.CaptureSession.CurrentData"/>), and this is how many fragments made it.
    /// </summary>
    public int ReassembledFragments;
    public readonly bool IsFragment => MoreFragments || FragmentOffset > 0;
    public NetAddress Src;
    public NetAddress Dst;

    public int TransportOffset;
    public int TransportHeaderLength;
    public ushort SrcPort;
    public ushort DstPort;

    public TcpFlags Flags;
    public uint SequenceNumber;
    public uint AcknowledgmentNumber;
    public ushort Window;
    public ushort UrgentPointer;
    public TcpOptions Options;

    /// <summary>UDP length field as written (header + payload).</summary>
    public ushort UdpLength;
    public byte IcmpType;
    public byte IcmpCode;
    public ushort ArpOperation;

    /// <summary>Transport payload length as the IP header states it (what tshark calls tcp.len).</summary>
    public int PayloadLength;
    public int PayloadOffset;
    /// <summary>How many payload bytes were actually captured (less than PayloadLength under a small snaplen).</summary>
    public int CapturedPayloadLength;

    public DecodeError Error;

    /// <summary>
    /// The tunnels this packet came through, outermost first (<see cref="EncapDepth"/> of them). Every other field
    /// describes the innermost packet, as Wireshark's columns do: its addresses, ports and conversation.
    /// </summary>
    public EncapStack Encap;
    public byte EncapDepth;
    public readonly bool IsTunnelled => EncapDepth > 0;

    public readonly bool IsTcp => Transport == Transport.Tcp;
    public readonly bool IsUdp => Transport == Transport.Udp;
    /// <summary>A whole TCP or UDP header, the only kind that joins a conversation; a cut one may still have <see cref="HasPortNumbers"/>.</summary>
    public readonly bool HasPorts => (Transport == Transport.Tcp || Transport == Transport.Udp) && TransportHeaderLength > 0;
    /// <summary>
    /// How many bytes of the fixed TCP or UDP header (20 or 8) were there to read fields from: the whole of it for a
    /// decoded header, fewer when the capture cut it short. A field is present when all its bytes are (<see cref="Has(TcpField)"/>),
    /// as tshark shows them: <c>tcp header truncated: 12 of 20 bytes</c> still has ports, sequence and acknowledgment
    /// numbers. Only <see cref="HasPorts"/> (a whole header) makes a packet part of a conversation.
    /// </summary>
    public byte CapturedTransportHeader;
    public readonly bool Has(TcpField field) => Transport == Transport.Tcp && CapturedTransportHeader >= (byte)field;
    public readonly bool Has(UdpField field) => Transport == Transport.Udp && CapturedTransportHeader >= (byte)field;
    /// <summary>Whether <see cref="SrcPort"/> and <see cref="DstPort"/> were read: a whole header's or a cut one's.</summary>
    public readonly bool HasPortNumbers => Has(TcpField.Ports) || Has(UdpField.Ports);
    public readonly bool HasError => Error.Kind != DecodeErrorKind.None;

    /// <summary>The captured payload bytes of <paramref name="data"/>, the buffer this packet was decoded from.</summary>
    public readonly ReadOnlySpan<byte> Payload(ReadOnlySpan<byte> data) => data.Slice(PayloadOffset, CapturedPayloadLength);

    public readonly string ProtoName => Transport.Name();
}

/// <summary>The fields of the fixed TCP header (RFC 9293 §3.1), each valued at the header byte it ends at.</summary>
public enum TcpField : byte { Ports = 4, Seq = 8, Ack = 12, Flags = 14, Window = 16, Checksum = 18, UrgentPointer = 20 }

/// <summary>The fields of the UDP header (RFC 768), each valued at the header byte it ends at.</summary>
public enum UdpField : byte { Ports = 4, Length = 6, Checksum = 8 }
