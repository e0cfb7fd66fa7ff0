using System.Runtime.InteropServices;
using SharpPcap;
using SharpPcap.LibPcap;

namespace ProtoScope.Capture;

/// <summary>Turns a missing libpcap into a message that says how to install it.</summary>
internal static class Libpcap
{
    public const string InstallHint = "libpcap is not installed: install it with 'sudo apt-get install libpcap0.8' (Debian/Ubuntu) or your system's libpcap package";

    public static T Call<T>(Func<T> action)
    {
        try
        {
            return action();
        }
        catch (DllNotFoundException e)
        {
            throw new CaptureError(InstallHint, e);
        }
        catch (TypeInitializationException e) when (e.InnerException is DllNotFoundException)
        {
            throw new CaptureError(InstallHint, e);
        }
    }

    public static string Version => Call(() => Pcap.Version);

    private static readonly Lazy<IntPtr> BreakloopEntry = new(() => Find("pcap_breakloop"));
    private static readonly Lazy<IntPtr> StatsEntry = new(() => Find("pcap_stats"));

    /// <summary>
    /// pcap_stats(3PCAP): (ps_recv, ps_drop, ps_ifdrop). SharpPcap 6.3.1 reads struct pcap_stat with
    /// pointer-sized fields on Unix, where its fields are u_int: on 64-bit Linux its DroppedPackets is
    /// really ps_ifdrop, and kernel drops never show. This reads the three u_ints as libpcap writes them.
    /// Null when libpcap cannot say (pcap_stats failed).
    /// </summary>
    public static unsafe (uint Received, uint Dropped, uint InterfaceDropped)? Stats(PcapHandle handle)
    {
        IntPtr entry = StatsEntry.Value;
        if (entry == IntPtr.Zero) return null;
        // struct pcap_stat is three u_ints on Linux; room for Windows' fourth (bs_capt) too.
        uint* stat = stackalloc uint[4];
        bool added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            int rc = ((delegate* unmanaged<IntPtr, uint*, int>)entry)(handle.DangerousGetHandle(), stat);
            return rc == 0 ? (stat[0], stat[1], stat[2]) : null;
        }
        finally
        {
            if (added) handle.DangerousRelease();
        }
    }

    /// <summary>
    /// pcap_breakloop(3PCAP), which SharpPcap keeps internal. On Linux a blocked pcap_next_ex never returns
    /// on its read timeout (libpcap polls again); breakloop wakes it through libpcap's eventfd, and it returns
    /// PCAP_ERROR_BREAK. Safe to call from another thread.
    /// </summary>
    public static unsafe void Breakloop(PcapHandle handle)
    {
        IntPtr entry = BreakloopEntry.Value;
        if (entry == IntPtr.Zero) return;
        bool added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            ((delegate* unmanaged<IntPtr, void>)entry)(handle.DangerousGetHandle());
        }
        finally
        {
            if (added) handle.DangerousRelease();
        }
    }

    /// <summary>An entry of the same file SharpPcap loads (its resolver tries these names in this order).</summary>
    private static IntPtr Find(string function)
    {
        foreach (var name in new[] { "libpcap.so", "libpcap.so.0", "libpcap.so.0.8", "libpcap.so.1", "libpcap.dylib" })
            if (NativeLibrary.TryLoad(name, out var lib) && NativeLibrary.TryGetExport(lib, function, out var entry))
                return entry;
        return IntPtr.Zero;
    }
}
