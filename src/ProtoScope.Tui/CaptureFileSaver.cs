using ProtoScope.Capture;
using ProtoScope.Core.Session;

namespace ProtoScope.Tui;

/// <summary>Writes packets of a <see cref="PacketTable"/> to a pcap file (nanosecond timestamps) through <see cref="PcapWriter"/>.</summary>
public static class CaptureFileSaver
{
    /// <summary>Writes the rows <paramref name="rows"/> yields (all rows when null); returns how many were written.</summary>
    /// <exception cref="CaptureError">The file cannot be created or written.</exception>
    public static int Save(PacketTable table, string path, IEnumerable<int>? rows = null)
    {
        // The snaplen in the file header is tcpdump's default, the one a live capture here is saved with.
        using var writer = PcapWriter.Create(path, table.LinkType, LiveCaptureOptions.DefaultSnaplen);
        foreach (int row in rows ?? Enumerable.Range(0, table.Count))
            writer.Write(table.Header(row), table.Bytes(row));
        writer.Flush();
        return (int)writer.PacketCount;
    }
}
