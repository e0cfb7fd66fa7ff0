using System.Net;
using ProtoScope.Core.Framing;

namespace ProtoScope.Peers;

/// <summary>What both echo clients are told: where to send, how many messages of which sizes, at what pace, how framed.</summary>
public abstract record EchoClientOptions
{
    public IPEndPoint To { get; init; } = new(IPAddress.Loopback, 9000);

    /// <summary>Messages to send; 0 just connects (TCP) or sends nothing (UDP).</summary>
    public int Count { get; init; } = 1;

    /// <summary>Payload size per message, fixed or drawn uniformly from a range with <see cref="Seed"/>.</summary>
    public SizeRange Size { get; init; } = new(16, 16);

    /// <summary>Seeds the sizes and payload bytes, so a run can be repeated byte for byte.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Pause between sends.</summary>
    public TimeSpan Interval { get; init; }

    /// <summary>When set, every payload is this text's UTF-8 bytes and <see cref="Size"/> is ignored.</summary>
    public string? Message { get; init; }

    public FramingSpec Framing { get; init; } = FramingSpec.Default;

    /// <summary>How long to wait for the next echo before giving up (TCP) or counting the datagram lost (UDP).</summary>
    public TimeSpan Timeout { get; init; }
}
