namespace ProtoScope.Core.Session;

/// <summary>The capture record header of one packet: when, how much was captured, how long it was on the wire.</summary>
/// <param name="Timestamp">Nanoseconds since the Unix epoch.</param>
public readonly record struct PacketHeader(long Timestamp, int CapturedLength, int WireLength)
{
    public double EpochSeconds => Timestamp / 1_000_000_000.0;
}
