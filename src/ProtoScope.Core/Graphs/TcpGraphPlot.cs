using ProtoScope.Core.Tcp;

namespace ProtoScope.Core.Graphs;

/// <summary>
/// Draws a <see cref="TcpGraphKind"/> from the points of a <see cref="TcpGraphSource"/> into a <see cref="Plot"/>,
/// with the series Wireshark's TCP Stream Graphs show for it. Letters mark the analysis events so that the picture
/// reads without colour.
/// </summary>
public sealed class TcpGraphPlot : ITcpGraphSink
{
    private const TcpAnalysisFlags Retransmissions =
        TcpAnalysisFlags.Retransmission | TcpAnalysisFlags.FastRetransmission | TcpAnalysisFlags.SpuriousRetransmission;

    private readonly TcpGraphKind _kind;
    private readonly PlotSeries _main;
    private readonly PlotSeries? _second, _third, _sack, _retransmission, _outOfOrder, _lost, _dupAck, _zeroWindow;

    /// <param name="title">What the graph is of (the connection and direction), after the graph's own name.</param>
    /// <param name="from">With <paramref name="to"/>, the time range shown (a zoom), in seconds; null for the whole connection.</param>
    public TcpGraphPlot(TcpGraphKind kind, string title, double? from = null, double? to = null)
    {
        _kind = kind;
        string yLabel = kind switch
        {
            TcpGraphKind.Throughput => "bits/s",
            TcpGraphKind.Rtt => "RTT (ms)",
            TcpGraphKind.Window => "bytes",
            _ => "relative sequence number",
        };
        Plot = new Plot($"{kind.Title()}: {title}", "time (s)", yLabel, from, to)
        {
            YFromZero = kind is TcpGraphKind.Throughput or TcpGraphKind.Rtt or TcpGraphKind.Window,
        };
        switch (kind)
        {
            case TcpGraphKind.Stevens:
                _main = Plot.AddSeries("segment", MarkShape.Dot);
                break;
            case TcpGraphKind.Tcptrace:
                _main = Plot.AddSeries("segment", MarkShape.Bar);
                _second = Plot.AddSeries("ACK", MarkShape.Step);
                _third = Plot.AddSeries("receive window (the upper line)", MarkShape.Step);
                _sack = Plot.AddSeries("SACK", MarkShape.Bar);
                _retransmission = Plot.AddSeries("retransmission", MarkShape.Letter, 'R');
                _outOfOrder = Plot.AddSeries("out of order", MarkShape.Letter, 'O');
                _lost = Plot.AddSeries("previous segment not captured", MarkShape.Letter, 'L');
                _dupAck = Plot.AddSeries("duplicate ACK", MarkShape.Letter, 'D');
                _zeroWindow = Plot.AddSeries("zero window", MarkShape.Letter, 'Z');
                break;
            case TcpGraphKind.Throughput:
                _main = Plot.AddSeries("throughput (1 s average)", MarkShape.Step);
                _second = Plot.AddSeries("goodput (1 s average)", MarkShape.Step);
                _third = Plot.AddSeries("segment length (bytes, right axis)", MarkShape.Dot, right: true);
                break;
            case TcpGraphKind.Rtt:
                _main = Plot.AddSeries("ACK RTT", MarkShape.Dot);
                break;
            default:
                _main = Plot.AddSeries("bytes in flight", MarkShape.Step);
                _second = Plot.AddSeries("receive window", MarkShape.Step);
                break;
        }
    }

    public Plot Plot { get; }

    public void Point(in TcpGraphPoint p)
    {
        if (!_kind.Shows(p)) return;
        double t = p.Time;
        switch (_kind)
        {
            case TcpGraphKind.Stevens:
                _main.Add(t, p.Seq, p.Frame);
                break;
            case TcpGraphKind.Tcptrace:
                Tcptrace(p, t);
                break;
            case TcpGraphKind.Throughput:
                if (!p.Reverse)
                {
                    _main.Add(t, p.Bps, p.Frame);
                    if (p.Len > 0) _third!.Add(t, p.Len, p.Frame);
                }
                else _second!.Add(t, p.Bps, p.Frame);
                break;
            case TcpGraphKind.Rtt:
                _main.Add(t, p.AckRtt / 1e6, p.Frame);
                break;
            default:
                if (!p.Reverse) _main.Add(t, p.BytesInFlight, p.Frame);
                else _second!.Add(t, p.Win, p.Frame);
                break;
        }
    }

    private void Tcptrace(in TcpGraphPoint p, double t)
    {
        if (!p.Reverse)
        {
            if (p.Len > 0) _main.Add(t, p.Seq, p.Seq + (double)p.Len, p.Frame);
            if ((p.Analysis & Retransmissions) != 0) _retransmission!.Add(t, p.Seq, p.Frame);
            else if ((p.Analysis & TcpAnalysisFlags.OutOfOrder) != 0) _outOfOrder!.Add(t, p.Seq, p.Frame);
            if ((p.Analysis & TcpAnalysisFlags.LostSegment) != 0) _lost!.Add(t, p.Seq, p.Frame);
            return;
        }
        _second!.Add(t, p.Ack, p.Frame);
        _third!.Add(t, p.Ack + (double)p.Win, p.Frame);
        for (int i = 0; i < p.SackCount && i < 4; i++)
        {
            var s = p.SackAt(i);
            _sack!.Add(t, s.Left, s.Right, p.Frame);
        }
        if ((p.Analysis & TcpAnalysisFlags.DuplicateAck) != 0) _dupAck!.Add(t, p.Ack, p.Frame);
        if ((p.Analysis & TcpAnalysisFlags.ZeroWindow) != 0) _zeroWindow!.Add(t, p.Ack, p.Frame);
    }
}
