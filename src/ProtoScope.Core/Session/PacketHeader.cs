namespace ProtoScope.Core.Session;

/// <summary>The capture record header of one packet: when, how much was captured, how long it was on the wire.</summary>
/// <param name="Timestamp">Nanoseconds since the Unix epoch.</param>
/// <param name="InvalidFraction">
/// The sub-second field as written when it is out of range (a microsecond value of 1,000,000 or more, as
/// broken writers produce); 0 when the timestamp is valid. The timestamp then counts the excess as seconds.
/// </param>
public readonly record struct PacketHeader(long Timestamp, int CapturedLength, int WireLength, long InvalidFraction = 0)
{
    public double EpochSeconds => Timestamp / 1_000_000_000.0;
}
