using ProtoScope.Core.Session;

namespace ProtoScope.Core.Reassembly;

/// <summary>What happened to one direction's segments.</summary>
public struct ReassemblyStats
{
    /// <summary>Bytes handed to the consumer.</summary>
    public long DeliveredBytes;
    /// <summary>Segments whose bytes had all been seen before.</summary>
    public long Retransmissions;
    /// <summary>Segments that partly overlapped bytes seen before (the first copy was kept).</summary>
    public long Overlaps;
    /// <summary>Overlaps whose bytes differed from the first copy.</summary>
    public long Conflicts;
    /// <summary>Segments that arrived ahead of a hole and were held.</summary>
    public long OutOfOrder;
    public long Gaps;
    /// <summary>Bytes missing in gaps of known length.</summary>
    public long GapBytes;
    /// <summary>The most out-of-order bytes held at once.</summary>
    public long PeakBuffered;
    /// <summary>Payload after the FIN, or after a RST.</summary>
    public long AfterEnd;
}

/// <summary>Something a reader of the reassembled stream should know: a conflicting overlap, a buffer limit reached.</summary>
public readonly record struct ReassemblyNote(int Conversation, Direction Direction, long Frame, string Text);
