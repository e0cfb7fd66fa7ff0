using ProtoScope.Core.Decoding;
using ProtoScope.Core.Session;

namespace ProtoScope.Core.Tcp;

/// <summary>One TCP connection (one tshark tcp.stream): endpoints, per-direction sequence bases and counters.</summary>
public sealed class TcpConnection : Conversation
{
    internal TcpConnection(int id, in DecodedPacket first, long frame, long timestamp) : base(id, first, frame, timestamp) { }

    public override string Proto => "tcp";

    /// <summary>
    /// The sequence number that relative numbers count from, per direction (index by <see cref="Direction"/>):
    /// the ISN when the SYN was seen, so the SYN is 0 and the first data byte 1, as in Wireshark.
    /// </summary>
    public readonly uint[] BaseSeq = new uint[2];
    public readonly bool[] HasBaseSeq = new bool[2];

    /// <summary>The raw ISN of the SYN seen in each direction, if any: a new SYN with another ISN starts a new stream.</summary>
    public readonly uint?[] SynSeq = new uint?[2];

    internal void LearnBase(Direction d, in DecodedPacket p)
    {
        int i = (int)d;
        if ((p.Flags & TcpFlags.Syn) != 0)
        {
            if (!HasBaseSeq[i] || SynSeq[i] is null)
            {
                BaseSeq[i] = p.SequenceNumber;
                HasBaseSeq[i] = true;
            }
            SynSeq[i] ??= p.SequenceNumber;
            return;
        }
        if (!HasBaseSeq[i])
        {
            // No SYN seen in this direction: count from one before the first sequence number seen, so that
            // byte gets relative number 1 (Wireshark's rule for captures that start mid-connection).
            BaseSeq[i] = p.SequenceNumber - 1;
            HasBaseSeq[i] = true;
        }
    }

    public uint RelativeSeq(Direction d, uint raw) => raw - BaseSeq[(int)d];

    /// <summary>
    /// An ACK counts in the other direction's sequence space. When nothing has been seen from the other side
    /// yet, its base is taken from this ACK so the ACK reads 1 (Wireshark does the same).
    /// </summary>
    public uint RelativeAck(Direction d, uint raw)
    {
        int other = 1 - (int)d;
        if (!HasBaseSeq[other])
        {
            BaseSeq[other] = raw - 1;
            HasBaseSeq[other] = true;
        }
        return raw - BaseSeq[other];
    }
}
