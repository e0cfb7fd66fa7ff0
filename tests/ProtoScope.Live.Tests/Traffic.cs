using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ProtoScope.Live.Tests;

/// <summary>Traffic from plain sockets, each datagram's payload unique so it can be found again in a capture.</summary>
public static class Traffic
{
    /// <summary>A UDP port nobody listens on now (bound and released), so a filter on it sees only the test's packets.</summary>
    public static int FreeUdpPort()
    {
        using var s = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        s.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)s.LocalEndPoint!).Port;
    }

    public static int FreeTcpPort()
    {
        var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    public static string Payload(string tag, int i, int size = 0)
    {
        string p = $"{tag}-{i:D5}";
        return size > p.Length ? p + new string('x', size - p.Length) : p;
    }

    /// <summary>Sends <paramref name="count"/> datagrams to <paramref name="to"/>; returns the payloads in order.</summary>
    public static List<string> SendUdp(IPEndPoint to, int count, string tag, int size = 0)
    {
        using var s = new Socket(to.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        var sent = new List<string>();
        for (int i = 0; i < count; i++)
        {
            string p = Payload(tag, i, size);
            s.SendTo(Encoding.ASCII.GetBytes(p), to);
            sent.Add(p);
        }
        return sent;
    }

    public static string Hex(string ascii) => Convert.ToHexStringLower(Encoding.ASCII.GetBytes(ascii));
}
