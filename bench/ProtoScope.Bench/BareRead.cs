using System.Runtime.InteropServices;
using SharpPcap;
using SharpPcap.LibPcap;

namespace ProtoScope.Bench;

/// <summary>
/// The baseline: libpcap reading every record of a file through SharpPcap, and nothing else. Only the captured
/// length is read, so the loop cannot be optimised away; no byte of the packet is touched.
/// </summary>
internal static class BareRead
{
    /// <summary>
    /// <paramref name="api"/> "pointers" is <c>GetNextPacketPointers</c> (pcap_next_ex and nothing more, the call
    /// CaptureFile uses); "packet" is <c>GetNextPacket</c>, which also polls the descriptor and builds a
    /// <c>PacketCapture</c> for each packet.
    /// </summary>
    public static (long Packets, long Bytes) Run(string path, string api)
    {
        using var device = new CaptureFileReaderDevice(path);
        device.Open(new DeviceConfiguration { TimestampResolution = TimestampResolution.Nanosecond });
        long packets = 0, bytes = 0;
        if (api == "packet")
        {
            while (device.GetNextPacket(out PacketCapture e) == GetPacketStatus.PacketRead)
            {
                packets++;
                bytes += e.Data.Length;
            }
        }
        else
        {
            IntPtr header = IntPtr.Zero, data = IntPtr.Zero;
            // struct pcap_pkthdr on 64-bit Linux: two longs of timeval, then caplen.
            int caplenOffset = IntPtr.Size == 8 ? 16 : 8;
            while (device.GetNextPacketPointers(ref header, ref data) == 1)
            {
                packets++;
                bytes += Marshal.ReadInt32(header, caplenOffset);
            }
        }
        return (packets, bytes);
    }
}
