namespace ProtoScope.Core.Session;

/// <summary>
/// The per-packet TCP analysis numbers a <see cref="PacketTable"/> keeps no column for (tcp.analysis.ack_rtt,
/// tcp.analysis.bytes_in_flight, tcp.window_size), computed the first time a display filter asks for them.
/// </summary>
/// <remarks>
/// Every row would cost 16 more bytes for numbers few filters read (issue 8 caps a row at 64), so they are made
/// only when asked: the stored packets run again, in order, through a session of their own with the same
/// conversation limit, which gives each packet the analysis the first pass gave it (the analysis depends only on
/// the packets before it). The session stays, so a growing table (a live capture) is extended from where the last
/// call stopped. The columns are chunked like the table's and cost 16 bytes a row from then on.
/// Threading: <see cref="ExtendTo"/> runs on a filter scan's thread, one at a time (a lock); a reader may read any
/// row below the <see cref="Count"/> it read.
/// </remarks>
public sealed class TcpAnalysisNumbers
{
    private readonly PacketTable _table;
    private readonly CaptureSession _replay;
    private readonly object _extending = new();
    private long[][] _ackRtt = new long[16][];
    private uint[][] _bytesInFlight = new uint[16][];
    private uint[][] _windowSize = new uint[16][];
    private int _count;

    internal TcpAnalysisNumbers(PacketTable table, int maxConversations)
    {
        _table = table;
        _replay = new CaptureSession(table.LinkType, maxConversations: maxConversations);
    }

    /// <summary>Rows computed so far (acquire read).</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Nanoseconds; 0 when the row has none.</summary>
    public long AckRtt(int row) => _ackRtt[row >> PacketTable.ChunkBits][row & (PacketTable.ChunkRows - 1)];

    public uint BytesInFlight(int row) => _bytesInFlight[row >> PacketTable.ChunkBits][row & (PacketTable.ChunkRows - 1)];

    public uint WindowSize(int row) => _windowSize[row >> PacketTable.ChunkBits][row & (PacketTable.ChunkRows - 1)];

    /// <summary>
    /// Computes the rows below <paramref name="rows"/> (at most the table's <see cref="PacketTable.Count"/>) not yet
    /// computed. Returns false when <paramref name="cancel"/> stopped it first; the rows done so far are kept.
    /// </summary>
    public bool ExtendTo(int rows, CancellationToken cancel = default)
    {
        lock (_extending)
        {
            for (int row = _count; row < rows; row++)
            {
                if ((row & 0xFFF) == 0 && cancel.IsCancellationRequested) return false;
                int c = row >> PacketTable.ChunkBits, i = row & (PacketTable.ChunkRows - 1);
                if (c == _ackRtt.Length)
                {
                    Array.Resize(ref _ackRtt, c * 2);
                    Array.Resize(ref _bytesInFlight, c * 2);
                    Array.Resize(ref _windowSize, c * 2);
                }
                _ackRtt[c] ??= new long[PacketTable.ChunkRows];
                _bytesInFlight[c] ??= new uint[PacketTable.ChunkRows];
                _windowSize[c] ??= new uint[PacketTable.ChunkRows];

                _replay.Add(_table.Header(row), _table.Bytes(row));
                ref readonly var a = ref _replay.CurrentAnalysis;
                _ackRtt[c][i] = a.AckRtt;
                _bytesInFlight[c][i] = a.BytesInFlight;
                _windowSize[c][i] = a.WindowSize;
                Volatile.Write(ref _count, row + 1);
            }
            return true;
        }
    }
}
