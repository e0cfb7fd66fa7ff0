using SharpPcap;

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
}
