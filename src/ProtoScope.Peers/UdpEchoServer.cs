using System.Net;
using System.Net.Sockets;
using ProtoScope.Core.Framing;

namespace ProtoScope.Peers;

public sealed record UdpEchoServerOptions
{
    public IPAddress Bind { get; init; } = IPAddress.Loopback;

    /// <summary>0 picks an ephemeral port; read it from <see cref="UdpEchoServer.LocalEndPoint"/>.</summary>
    public int Port { get; init; } = 9000;

    /// <summary>Each datagram must be exactly one frame of this spec (unless <see cref="Raw"/>).</summary>
    public FramingSpec Framing { get; init; } = FramingSpec.Default;

    /// <summary>Echo datagrams as they are, without checking any framing.</summary>
    public bool Raw { get; init; }

    /// <summary>
    /// Bytes the server reads per datagram. A larger datagram arrives truncated (the rest is discarded by the kernel);
    /// the server drops it with a log line instead of echoing a cut-off copy. 65536 holds any UDP datagram.
    /// </summary>
    public int ReceiveBuffer { get; init; } = 65536;
}

public sealed record UdpEchoSummary(long Datagrams, long Echoed, long Bytes, long Truncated, long Invalid)
{
    public override string ToString() =>
        $"{Datagrams} datagrams, {Echoed} echoed ({Bytes} bytes), {Truncated} truncated, {Invalid} invalid";
}

/// <summary>A UDP server that echoes each datagram back to its sender, after checking that it holds one whole frame.</summary>
public sealed class UdpEchoServer : IDisposable
{
    private readonly UdpEchoServerOptions _options;
    private readonly PeerLog _log;
    private readonly Socket _socket;
    private long _datagrams, _echoed, _bytes, _truncated, _invalid;

    private UdpEchoServer(UdpEchoServerOptions options, PeerLog log, Socket socket)
    {
        _options = options;
        _log = log;
        _socket = socket;
        LocalEndPoint = (IPEndPoint)socket.LocalEndPoint!;
    }

    public IPEndPoint LocalEndPoint { get; }

    public UdpEchoSummary Summary => new(
        Interlocked.Read(ref _datagrams), Interlocked.Read(ref _echoed), Interlocked.Read(ref _bytes),
        Interlocked.Read(ref _truncated), Interlocked.Read(ref _invalid));

    /// <summary>Binds, so a port in use fails here, before anything runs.</summary>
    /// <exception cref="SocketException">The address cannot be bound.</exception>
    public static UdpEchoServer Start(UdpEchoServerOptions options, Action<string>? log = null)
    {
        if (options.ReceiveBuffer < 1)
            throw new ArgumentOutOfRangeException(nameof(options), options.ReceiveBuffer, "receive buffer must hold at least one byte");
        var socket = new Socket(options.Bind.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            socket.Bind(new IPEndPoint(options.Bind, options.Port));
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        return new UdpEchoServer(options, new PeerLog(log), socket);
    }

    /// <summary>Echoes datagrams until <paramref name="stop"/> fires; returns the summary. Call once.</summary>
    public async Task<UdpEchoSummary> RunAsync(CancellationToken stop)
    {
        string mode = _options.Raw ? "raw" : $"{_options.Framing}, max-frame {_options.Framing.MaxMessage}";
        _log.Write(LocalEndPoint, $"listening (udp, {mode}, receive buffer {_options.ReceiveBuffer})");
        byte[] buffer = new byte[_options.ReceiveBuffer];
        EndPoint anySender = new IPEndPoint(_options.Bind.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
        while (true)
        {
            SocketReceiveMessageFromResult received;
            try
            {
                // ReceiveMessageFrom rather than ReceiveFrom: only it reports MSG_TRUNC, which ReceiveFrom silently drops.
                received = await _socket.ReceiveMessageFromAsync(buffer, SocketFlags.None, anySender, stop);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            catch (SocketException e)
            {
                _log.Write(LocalEndPoint, $"receive failed: {SocketText.Describe(e)}");
                continue;
            }
            Interlocked.Increment(ref _datagrams);
            EndPoint peer = received.RemoteEndPoint;
            if ((received.SocketFlags & SocketFlags.Truncated) != 0)
            {
                Interlocked.Increment(ref _truncated);
                _log.Write(peer, $"dropped: datagram truncated (larger than the {_options.ReceiveBuffer}-byte receive buffer)");
                continue;
            }
            ReadOnlyMemory<byte> datagram = buffer.AsMemory(0, received.ReceivedBytes);
            string what = $"datagram {datagram.Length} bytes";
            if (!_options.Raw)
            {
                if (!MessageReader.TryReadDatagram(datagram, _options.Framing, out ReadOnlyMemory<byte> payload, out FramingError error))
                {
                    Interlocked.Increment(ref _invalid);
                    _log.Write(peer, $"dropped: {error}");
                    continue;
                }
                what = $"frame {payload.Length} bytes";
            }
            try
            {
                // The datagram is already one valid frame of the same spec, so the echo is the datagram itself.
                await _socket.SendToAsync(datagram, SocketFlags.None, peer, stop);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            catch (SocketException e)
            {
                _log.Write(peer, $"echo failed: {SocketText.Describe(e)}");
                continue;
            }
            Interlocked.Increment(ref _echoed);
            Interlocked.Add(ref _bytes, datagram.Length);
            if (_log.Enabled)
                _log.Write(peer, what);
        }
        _socket.Close();
        UdpEchoSummary summary = Summary;
        _log.Write(LocalEndPoint, $"stopped: {summary}");
        return summary;
    }

    public void Dispose() => _socket.Dispose();
}
