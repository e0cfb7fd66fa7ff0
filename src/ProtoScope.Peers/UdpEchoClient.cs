using System.Buffers;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using ProtoScope.Core.Framing;

namespace ProtoScope.Peers;

public sealed record UdpEchoClientOptions : EchoClientOptions
{
    /// <summary>The largest UDP payload over IPv4: 65535 - 20 (IP header) - 8 (UDP header).</summary>
    public const int LargestDatagram = 65507;

    public UdpEchoClientOptions() => Timeout = TimeSpan.FromSeconds(1);

    /// <summary>Send bare payloads instead of one frame per datagram.</summary>
    public bool Raw { get; init; }

    public string? Validate()
    {
        if (Count < 0)
            return $"count {Count} is negative";
        int largest = Message is null ? Size.Max : System.Text.Encoding.UTF8.GetByteCount(Message);
        if (!Raw && largest > Framing.LargestPayload)
            return $"size {largest} does not fit {Framing} framing (at most {Framing.LargestPayload} bytes)";
        long datagram = Raw ? largest : MessageWriter.GetFramedSize(largest, Framing);
        if (datagram > LargestDatagram)
            return $"a {datagram}-byte datagram exceeds the UDP maximum of {LargestDatagram}";
        if (Timeout <= TimeSpan.Zero)
            return "timeout must be positive";
        return null;
    }
}

/// <summary>
/// How a UDP client run went. <see cref="Lost"/> counts datagrams without a reply within the timeout (including
/// those refused by an ICMP port unreachable); <see cref="Late"/> counts replies that came after their datagram
/// was counted lost (they stay counted as lost).
/// </summary>
public sealed record UdpEchoResult(int Sent, int RepliesOk, int Mismatches, int Lost, int Late, TimeSpan Elapsed)
{
    public bool Success => Mismatches == 0 && Lost == 0;

    public override string ToString() =>
        $"{Sent} datagrams sent, {RepliesOk} replies ok, {Mismatches} mismatched, {Lost} lost, {Late} late in {Elapsed.TotalMilliseconds:0} ms";
}

/// <summary>Sends datagrams one at a time and waits for each echo, checking that it is byte-identical.</summary>
public static class UdpEchoClient
{
    // Enough to recognise a late reply after a burst of timeouts without keeping a list that grows with the run.
    private const int LostRemembered = 64;

    /// <exception cref="ArgumentException">The options are invalid; <see cref="UdpEchoClientOptions.Validate"/> says why.</exception>
    public static async Task<UdpEchoResult> RunAsync(UdpEchoClientOptions options, Action<string>? log = null, CancellationToken cancel = default)
    {
        if (options.Validate() is string invalid)
            throw new ArgumentException(invalid, nameof(options));
        var peerLog = new PeerLog(log);
        var clock = Stopwatch.StartNew();
        var payloads = new TestPayloads(options.Size, options.Seed, options.Message);
        FramingSpec spec = options.Framing;
        int header = options.Raw ? 0 : spec.HeaderSize;
        byte[] datagram = new byte[header + payloads.LargestSize];
        byte[] reply = new byte[65536];
        byte[] scratch = new byte[Math.Max(payloads.LargestSize, 1)];
        var lost = new List<(int Index, int Size)>();
        int sent = 0, ok = 0, mismatches = 0, lostCount = 0, late = 0;

        using var socket = new Socket(options.To.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        // Connected UDP: the kernel passes only the server's replies and reports ICMP port unreachable as ConnectionRefused.
        await socket.ConnectAsync(options.To, cancel);
        EndPoint? local = socket.LocalEndPoint;
        peerLog.Write(local, $"sending to {options.To} (udp, {(options.Raw ? "raw" : spec.Name)})");

        for (int i = 0; i < options.Count; i++)
        {
            if (i > 0 && options.Interval > TimeSpan.Zero)
                await Task.Delay(options.Interval, cancel);
            int size = payloads.NextSize();
            if (!options.Raw)
                MessageWriter.WriteHeader(datagram, size, spec);
            payloads.Fill(datagram.AsSpan(header, size), i);
            try
            {
                await socket.SendAsync(datagram.AsMemory(0, header + size), SocketFlags.None, cancel);
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused)
            {
                // An ICMP port unreachable for an earlier datagram surfaces on this send; this one was not sent.
                peerLog.Write(local, $"datagram {i}: port unreachable, not sent");
                lostCount++;
                continue;
            }
            sent++;
            if (peerLog.Enabled)
                peerLog.Write(local, $"sent datagram {i}: {size} bytes");

            using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancel);
            wait.CancelAfter(options.Timeout);
            try
            {
                while (true)
                {
                    int length = await socket.ReceiveAsync(reply, SocketFlags.None, wait.Token);
                    ReadOnlyMemory<byte> payload = reply.AsMemory(0, length);
                    if (!options.Raw && !MessageReader.TryReadDatagram(payload, spec, out payload, out FramingError error))
                    {
                        mismatches++;
                        peerLog.Write(local, $"reply to datagram {i}: MISMATCH, {error}");
                        break;
                    }
                    var echoed = new ReadOnlySequence<byte>(payload);
                    if (payloads.Matches(echoed, i, size, scratch))
                    {
                        ok++;
                        if (peerLog.Enabled)
                            peerLog.Write(local, $"reply to datagram {i}: {size} bytes ok");
                        break;
                    }
                    int earlier = lost.FindIndex(l => payloads.Matches(echoed, l.Index, l.Size, scratch));
                    if (earlier < 0)
                    {
                        mismatches++;
                        peerLog.Write(local, $"reply to datagram {i}: MISMATCH, got {length} bytes, sent {header + size}");
                        break;
                    }
                    late++;
                    peerLog.Write(local, $"late reply to datagram {lost[earlier].Index}");
                    lost.RemoveAt(earlier);
                }
            }
            catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
            {
                lostCount++;
                Remember(lost, (i, size));
                peerLog.Write(local, $"datagram {i}: no reply within {options.Timeout.TotalMilliseconds:0} ms");
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused)
            {
                lostCount++;
                Remember(lost, (i, size));
                peerLog.Write(local, $"datagram {i}: no reply, port unreachable");
            }
        }
        var result = new UdpEchoResult(sent, ok, mismatches, lostCount, late, clock.Elapsed);
        peerLog.Write(local, result.ToString());
        return result;
    }

    private static void Remember(List<(int Index, int Size)> lost, (int Index, int Size) datagram)
    {
        if (lost.Count == LostRemembered)
            lost.RemoveAt(0);
        lost.Add(datagram);
    }
}
