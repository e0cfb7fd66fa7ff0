namespace ProtoScope.Core.Tcp;

/// <summary>Where one direction's relative sequence numbers start (see <see cref="TcpConnection.BaseOf"/>).</summary>
public struct SequenceBase
{
    // Both numbers before both flags, so the struct packs into 12 bytes.
    /// <summary>The raw sequence number that counts as relative 0.</summary>
    public SequenceNumber Base;
    /// <summary>The raw ISN of the SYN seen in this direction, when <see cref="HasSyn"/>.</summary>
    public SequenceNumber SynSeq;
    public bool HasBase;
    public bool HasSyn;
}
