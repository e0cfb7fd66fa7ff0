namespace ProtoScope.Core.Framing;

public enum FramingErrorKind : byte
{
    None,
    /// <summary>The length field exceeds <see cref="FramingSpec.MaxMessage"/> (Length = field, Limit = max frame).</summary>
    TooLong,
    /// <summary>With <see cref="FramingSpec.LengthIncludesHeader"/>, a length smaller than the prefix itself (Length = field, Limit = header size).</summary>
    ShorterThanHeader,
    /// <summary>The stream ended inside the length prefix (Length = header size, Available = bytes present).</summary>
    HeaderTruncated,
    /// <summary>The stream ended inside the payload (Length = payload length, Available = payload bytes present).</summary>
    PayloadTruncated,
    /// <summary>A datagram is not exactly one frame (Length = frame size its prefix claims, Available = datagram size).</summary>
    DatagramSizeMismatch,
}

/// <summary>
/// Why a byte sequence is not a valid frame: data, not an exception, because bad framing comes from the peer.
/// <see cref="ToString"/> is the one-line reason peers log and the inspector shows.
/// </summary>
public readonly record struct FramingError(FramingErrorKind Kind, ulong Length, long Limit, long Available = 0)
{
    public bool IsNone => Kind == FramingErrorKind.None;

    public override string ToString() => Kind switch
    {
        FramingErrorKind.None => "",
        FramingErrorKind.TooLong => $"length {Length} exceeds --max-frame {Limit}",
        FramingErrorKind.ShorterThanHeader => $"length {Length} is shorter than the {Limit}-byte header it includes",
        FramingErrorKind.HeaderTruncated => $"stream ended mid-frame ({Available} of {Length} header bytes)",
        FramingErrorKind.PayloadTruncated => $"stream ended mid-frame ({Available} of {Length} payload bytes)",
        FramingErrorKind.DatagramSizeMismatch => $"datagram is {Available} bytes but its frame claims {Length}",
        _ => Kind.ToString(),
    };
}
