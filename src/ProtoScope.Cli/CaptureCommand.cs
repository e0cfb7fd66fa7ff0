using System.CommandLine;
using ProtoScope.Capture;
using ProtoScope.Core.Decoding;
using ProtoScope.Core.Formatting;
using ProtoScope.Core.Session;

namespace ProtoScope.Cli;

/// <summary>
/// `protoscope capture -i IFACE`: headless live capture, printing `read`'s lines (or JSONL) as packets arrive,
/// or saving them to pcap like `tcpdump -w` / dumpcap's ring buffer.
/// </summary>
internal static class CaptureCommand
{
    private sealed record Settings(
        string Interface, string? Filter, string? WritePath, long? Count, double? Duration, string Format,
        int Snaplen, bool Promiscuous, int? BufferSizeMb, string? Ring, string? DropUser);

    public static Command Create(CliContext ctx)
    {
        var iface = new Option<string>("--interface", "-i") { Description = "The interface to capture on ('protoscope devices' lists them).", Required = true };
        var filter = new Option<string?>("--filter", "-f") { Description = "A BPF capture filter, as for tcpdump (e.g. 'tcp port 443')." };
        var write = new Option<string?>("--write", "-w") { Description = "Save the packets to this pcap file instead of printing them ('-' for stdout)." };
        var count = new Option<long?>("--count", "-c") { Description = "Stop after this many packets." };
        var duration = new Option<double?>("--duration") { Description = "Stop after this many seconds." };
        var format = CommonOptions.Format();
        var snaplen = new Option<int>("--snaplen", "-s") { Description = "Bytes to keep of each packet (0 for the default, 262144).", DefaultValueFactory = _ => LiveCaptureOptions.DefaultSnaplen };
        var noPromisc = new Option<bool>("--no-promisc", "-p") { Description = "Do not put the interface into promiscuous mode." };
        var bufferSize = new Option<int?>("--buffer-size", "-B") { Description = "libpcap's capture buffer in MiB (default 16): raise it if the kernel drops packets." };
        var ring = new Option<string?>("--ring", "-b") { Description = "With -w, a ring of files like dumpcap's: files:N,filesize:MB or files:N,duration:S." };
        var dropUser = new Option<string?>("--drop-user", "-Z") { Description = "After opening the interface, switch to this user (as tcpdump -Z) before reading a packet." };
        var cmd = new Command("capture", "Capture live packets: print them as `read` does, or save them to pcap.")
        {
            iface, filter, write, count, duration, format, snaplen, noPromisc, bufferSize, ring, dropUser,
        };
        cmd.SetAction(r => Run(ctx, new Settings(
            r.GetValue(iface)!, r.GetValue(filter), r.GetValue(write), r.GetValue(count), r.GetValue(duration), r.GetValue(format)!,
            r.GetValue(snaplen), !r.GetValue(noPromisc), r.GetValue(bufferSize), r.GetValue(ring), r.GetValue(dropUser))));
        return cmd;
    }

    private static int Run(CliContext ctx, Settings s)
    {
        if (s.Count is <= 0) return ctx.Fail("--count must be a positive number of packets");
        if (s.Duration is not null && !(s.Duration > 0)) return ctx.Fail("--duration must be a positive number of seconds");
        if (s.BufferSizeMb is not null && s.BufferSizeMb is < 1 or > 2047) return ctx.Fail("--buffer-size must be 1 to 2047 MiB");
        if (s.Ring is not null && (s.WritePath is null || s.WritePath == "-")) return ctx.Fail("--ring needs -w FILE: the ring's files are named after it");
        var ringOptions = s.Ring is null ? null : RingOptions.Parse(s.Ring);
        var options = new LiveCaptureOptions
        {
            Snaplen = s.Snaplen == 0 ? LiveCaptureOptions.DefaultSnaplen : s.Snaplen,
            Promiscuous = s.Promiscuous,
            Filter = s.Filter,
            BufferSize = s.BufferSizeMb * (1 << 20),
        };

        using var capture = LiveCapture.Open(s.Interface, options);
        if (s.DropUser is not null)
            Privileges.DropTo(s.DropUser);

        // The file is created after dropping root, as tcpdump does, so it belongs to the user.
        ICaptureWriter? writer = s.WritePath switch
        {
            null => null,
            "-" => new PcapWriter(ctx.Stdout, "stdout", capture.LinkType, capture.Snaplen, ownsStream: false),
            _ when ringOptions is not null => new PcapRing(s.WritePath, capture.LinkType, capture.Snaplen, ringOptions),
            _ => PcapWriter.Create(s.WritePath, capture.LinkType, capture.Snaplen),
        };
        ctx.Stderr.WriteLine($"protoscope: listening on {capture.Name}, link-type {LinkType.Name(capture.LinkType)}, snapshot length {capture.Snaplen} bytes");
        ctx.Stderr.Flush();

        // SIGINT, SIGTERM, SIGHUP: the capture ends and everything captured so far is written, then the process exits.
        using var stopOnSignal = ctx.Stopping.Register(capture.Stop);
        using var timer = s.Duration is { } seconds ? new Timer(_ => capture.Stop(), null, TimeSpan.FromSeconds(seconds), Timeout.InfiniteTimeSpan) : null;

        long handled = 0;
        string? failure = null;
        try
        {
            handled = Pump(ctx, capture, writer, s);
        }
        catch (CaptureError e)
        {
            failure = e.Message;
        }
        catch (IOException e) when (ProtoScopeCli.IsBrokenPipe(e))
        {
            // The reader of stdout went away (`| head`): stop quietly, as a Unix filter does.
        }
        finally
        {
            capture.Stop();
        }
        try
        {
            writer?.Dispose();
        }
        catch (CaptureError e)
        {
            failure ??= e.Message;
        }
        catch (IOException e) when (ProtoScopeCli.IsBrokenPipe(e))
        {
        }
        handled = writer?.PacketCount ?? handled;
        capture.Dispose();
        var st = capture.Statistics;
        if (failure is not null) ctx.Stderr.WriteLine($"protoscope: {failure}");
        string queueDrops = st.DroppedByProtoScope > 0 ? $", {st.DroppedByProtoScope} dropped by protoscope (output too slow)" : "";
        ctx.Stderr.WriteLine($"protoscope: {handled} packets captured, {st.Received} received by filter, {st.DroppedByKernel} dropped by kernel, {st.DroppedByInterface} dropped by interface{queueDrops}");
        if (capture.Error is not null && failure is null)
            return ctx.Fail(capture.Error);
        return failure is null ? ExitCodes.Ok : ExitCodes.BadInput;
    }

    /// <summary>Moves packets from the capture to the output until the capture ends or the count is reached.</summary>
    private static long Pump(CliContext ctx, LiveCapture capture, ICaptureWriter? writer, Settings s)
    {
        var session = writer is null ? new CaptureSession(capture.LinkType) : null;
        using var text = writer is null && s.Format == "text" ? ctx.OpenText() : null;
        using var json = writer is null && s.Format == "jsonl" ? new JsonLines(ctx.Stdout) : null;
        var tcpdump = new TcpdumpFormat();
        long handled = 0;
        long lastFlush = Environment.TickCount64;
        while (s.Count is null || handled < s.Count)
        {
            var status = capture.Read(out var header, out var data);
            if (status is ReadStatus.End or ReadStatus.Error) break;
            if (status == ReadStatus.Packet)
            {
                handled++;
                if (writer is not null)
                    writer.Write(header, data);
                else
                {
                    session!.Add(header, data);
                    if (text is not null)
                    {
                        text.Write(tcpdump.Format(header, session.Current, session.CurrentAnalysis, session.CurrentBytes(data)));
                        text.Write('\n');
                    }
                    else
                    {
                        PacketJson.Write(json!.Writer, header, session.Current, session.CurrentAnalysis, session.CurrentBytes(data));
                        json.EndLine();
                    }
                }
                if (capture.HasPending) continue;
            }
            // The queue is empty: show what came (a reader sees packets at once), and push a saved file at
            // least every 200 ms without paying a write per packet when packets trickle in.
            long now = Environment.TickCount64;
            if (writer is null || status == ReadStatus.Timeout || now - lastFlush >= 200)
            {
                text?.Flush();
                json?.Flush();
                writer?.Flush();
                lastFlush = now;
            }
        }
        return handled;
    }
}
