using ProtoScope.Capture;
using ProtoScope.Core.Session;
using SharpPcap;
using SharpPcap.LibPcap;

namespace ProtoScope.Tui;

/// <summary>Writes packets of a <see cref="PacketTable"/> to a pcap file (nanosecond timestamps) through libpcap's dumper.</summary>
public static class CaptureFileSaver
{
    /// <summary>Writes the rows <paramref name="rows"/> yields (all rows when null); returns how many were written.</summary>
    public static int Save(PacketTable table, string path, IEnumerable<int>? rows = null)
    {
        int count = table.Count;
        try
        {
            using var writer = new CaptureFileWriterDevice(path, FileMode.Create);
            writer.Open(new DeviceConfiguration
            {
                LinkLayerType = (PacketDotNet.LinkLayers)table.LinkType,
                TimestampResolution = TimestampResolution.Nanosecond,
            });
            int written = 0;
            foreach (int row in rows ?? Enumerable.Range(0, count))
            {
                var r = table[row];
                long seconds = Math.DivRem(r.Timestamp, 1_000_000_000L, out long ns);
                var header = new PcapHeader((uint)seconds, 0, (uint)r.WireLength, (uint)r.CapturedLength)
                {
                    Timeval = new PosixTimeval((ulong)seconds, (ulong)ns, TimestampResolution.Nanosecond),
                };
                writer.Write(table.Bytes(row), ref header);
                written++;
            }
            return written;
        }
        catch (Exception e) when (e is PcapException or IOException or UnauthorizedAccessException)
        {
            throw new CaptureError($"{path}: cannot write the capture ({e.Message.Trim()})", e);
        }
        catch (DllNotFoundException e)
        {
            throw new CaptureError("libpcap is not installed: install it with 'sudo apt-get install libpcap0.8'", e);
        }
    }
}
