using Xunit;
using ProtoScope.Core.Decoding;
using ProtoScope.Core.Reassembly;
using ProtoScope.Core.Session;

namespace ProtoScope.Core.Tests.Reassembly;

/// <summary>
/// Tables of segments with the consumer calls expected after them. Client ISN 100 (data from 101), server ISN
/// 500 (data from 501), as in a handshake; frame numbers count packets from 1.
/// </summary>
public class ReassemblerTests
{
    private const TcpFlags S = Wire.Syn, A = Wire.Ack, F = Wire.Fin, R = Wire.Rst, P = Wire.Psh;

    private static Wire Handshake(ReassemblyOptions? options = null, uint clientIsn = 100, uint serverIsn = 500)
    {
        var w = new Wire(options);
        w.Send(From.Orig, S, clientIsn);
        w.Send(From.Resp, S | A, serverIsn, ack: clientIsn + 1);
        w.Send(From.Orig, A, clientIsn + 1, ack: serverIsn + 1);
        return w;
    }

    [Fact]
    public void In_order_segments_are_delivered_as_they_come_and_the_fin_ends_the_stream()
    {
        var w = Handshake();
        w.Send(From.Orig, P | A, 101, "hello");
        Assert.Equal(["data 0 hello @4"], w.Orig);
        w.Send(From.Orig, P | A, 106, "world");
        w.Send(From.Orig, F | A, 111);
        Assert.Equal(["data 0 hello @4", "data 5 world @5", "end Fin 10"], w.Orig);
        w.Finish();
        Assert.Equal(["end CaptureEnd 0"], w.Resp);
    }

    [Fact]
    public void Out_of_order_segments_wait_for_the_hole_then_come_in_order_with_their_own_frames()
    {
        var w = Handshake();
        w.Send(From.Orig, A, 106, "world");
        w.Send(From.Orig, A, 111, "!!");
        Assert.Empty(w.Orig);
        Assert.Equal(2, w.Reassembler.Stats(0, Direction.Orig).OutOfOrder);
        Assert.Equal(7, w.Reassembler.TotalBuffered);
        w.Send(From.Orig, A, 101, "hello");
        Assert.Equal(["data 0 hello @6", "data 5 world @4", "data 10 !! @5"], w.Orig);
        Assert.Equal(0, w.Reassembler.TotalBuffered);
    }

    [Fact]
    public void A_retransmission_is_dropped_and_a_partial_overlap_delivers_only_the_new_bytes()
    {
        var w = Handshake();
        w.Send(From.Orig, A, 101, "hello");
        w.Send(From.Orig, A, 101, "hello");
        w.Send(From.Orig, A, 104, "loworld");
        Assert.Equal(["data 0 hello @4", "data 5 world @6"], w.Orig);
        var stats = w.Reassembler.Stats(0, Direction.Orig);
        Assert.Equal((1, 1, 0), (stats.Retransmissions, stats.Overlaps, stats.Conflicts));
    }

    [Fact]
    public void A_conflicting_retransmission_keeps_the_first_copy_and_is_noted()
    {
        var w = Handshake();
        w.Send(From.Orig, A, 101, "hello");
        w.Send(From.Orig, A, 101, "HELLO");
        Assert.Equal(["data 0 hello @4"], w.Orig);
        Assert.Equal(1, w.Reassembler.Stats(0, Direction.Orig).Conflicts);
        var note = Assert.Single(w.Reassembler.Notes);
        Assert.Equal((0, Direction.Orig, 5L), (note.Conversation, note.Direction, note.Frame));
        Assert.Contains("conflicting overlap at stream offset 0", note.Text);
    }

    [Fact]
    public void Overlapping_held_segments_keep_the_first_copy_and_report_a_conflict()
    {
        var w = Handshake();
        w.Send(From.Orig, A, 106, "world");
        w.Send(From.Orig, A, 108, "RLD!!");
        w.Send(From.Orig, A, 101, "hello");
        Assert.Equal(["data 0 hello @6", "data 5 world @4", "data 10 !! @5"], w.Orig);
        Assert.Equal(1, w.Reassembler.Stats(0, Direction.Orig).Conflicts);
    }

    [Fact]
    public void A_hole_the_receiver_acknowledged_is_a_gap_lost_by_the_capture()
    {
        var w = Handshake();
        w.Send(From.Orig, A, 101, "hello");
        w.Send(From.Orig, A, 111, "later", ack: 501);
        Assert.Equal(["data 0 hello @4"], w.Orig);
        w.Send(From.Resp, A, 501, ack: 116);
        Assert.Equal(["data 0 hello @4", "gap 5 +5 Lost", "data 10 later @5"], w.Orig);
        Assert.Equal(5, w.Reassembler.Stats(0, Direction.Orig).GapBytes);
    }

    [Fact]
    public void Holes_left_at_the_end_of_the_capture_become_gaps()
    {
        var w = Handshake();
        w.Send(From.Orig, A, 106, "world");
        w.Send(From.Orig, F | A, 111);
        Assert.Empty(w.Orig);
        w.Finish();
        Assert.Equal(["gap 0 +5 Lost", "data 5 world @4", "end Fin 10"], w.Orig);
    }

    [Fact]
    public void Acknowledged_bytes_never_seen_at_the_tail_are_a_gap()
    {
        var w = Handshake();
        w.Send(From.Orig, A, 101, "hello");
        w.Send(From.Resp, A, 501, ack: 111);
        w.Finish();
        Assert.Equal(["data 0 hello @4", "gap 5 +5 Lost", "end CaptureEnd 10"], w.Orig);
    }

    [Fact]
    public void Payload_cut_by_the_snaplen_is_a_gap_of_its_size()
    {
        var w = Handshake();
        w.Send(From.Orig, A, 101, "helloworld", snaplen: 20 + 20 + 3);
        w.Send(From.Orig, A, 111, "ok");
        Assert.Equal(["data 0 hel @4", "gap 3 +7 Snaplen", "data 10 ok @5"], w.Orig);
    }

    [Fact]
    public void Without_a_syn_the_stream_starts_at_the_first_byte_seen_after_a_gap_of_unknown_size()
    {
        var w = new Wire();
        w.Send(From.Orig, A, 7000, ack: 9000);
        w.Send(From.Orig, P | A, 7000, "mid", ack: 9000);
        w.Send(From.Orig, P | A, 7003, "dle", ack: 9000);
        Assert.Equal(["gap 0 +-1 MidStream", "data 0 mid @2", "data 3 dle @3"], w.Orig);
    }

    [Fact]
    public void Sequence_numbers_wrap_around_without_a_hiccup()
    {
        var w = Handshake(clientIsn: uint.MaxValue - 2);
        w.Send(From.Orig, A, uint.MaxValue - 1, "abc");
        w.Send(From.Orig, A, 4, "ghi");
        w.Send(From.Orig, A, 1, "def");
        w.Send(From.Orig, F | A, 7);
        Assert.Equal(["data 0 abc @4", "data 3 def @6", "data 6 ghi @5", "end Fin 9"], w.Orig);
    }

    [Fact]
    public void A_reset_ends_the_direction_and_gives_up_its_holes()
    {
        var w = Handshake();
        w.Send(From.Orig, A, 106, "world");
        w.Send(From.Orig, R, 111);
        Assert.Equal(["gap 0 +5 Lost", "data 5 world @4", "end Reset 10"], w.Orig);
        w.Send(From.Orig, A, 101, "hello");
        Assert.Equal(5, w.Reassembler.Stats(0, Direction.Orig).AfterEnd);
    }

    [Fact]
    public void Data_on_a_reset_is_delivered_before_the_end()
    {
        var w = Handshake();
        w.Send(From.Orig, R | A, 101, "bye");
        Assert.Equal(["data 0 bye @4", "end Reset 3"], w.Orig);
    }

    [Fact]
    public void The_buffer_limit_gives_up_the_oldest_hole_once_it_is_reached_and_says_so()
    {
        var w = Handshake(new ReassemblyOptions { MaxBufferedPerConnection = 8 });
        w.Send(From.Orig, A, 106, "world");
        Assert.Empty(w.Orig);
        w.Send(From.Orig, A, 116, "12345");
        Assert.Equal(["gap 0 +5 BufferLimit", "data 5 world @4"], w.Orig);
        Assert.Equal(5, w.Reassembler.TotalBuffered);
        var note = Assert.Single(w.Reassembler.Notes);
        Assert.Contains("out-of-order buffer limit reached (per connection 8 bytes)", note.Text);
        w.Send(From.Orig, A, 111, "abcde");
        Assert.Equal(["gap 0 +5 BufferLimit", "data 5 world @4", "data 10 abcde @6", "data 15 12345 @5"], w.Orig);
    }

    [Fact]
    public void Data_with_the_syn_counts_from_the_byte_after_the_isn()
    {
        var w = new Wire();
        w.Send(From.Orig, S, 100, "fast");
        w.Send(From.Orig, A, 105, "open");
        Assert.Equal(["data 0 fast @1", "data 4 open @2"], w.Orig);
    }

    /// <summary>The ordered, complete path delivers straight from the packet: nothing is allocated per segment.</summary>
    [Fact]
    public void In_order_delivery_allocates_nothing_per_segment()
    {
        var quiet = new Reassembler(new Quiet());
        var session = new CaptureSession(ProtoScope.Core.Decoding.LinkType.Ipv4) { Reassembly = quiet };
        // The receiver ACKs every tenth segment, as a receiver does: the TCP analysis then holds a few unacknowledged
        // segments, not all of them.
        var packets = Enumerable.Range(0, 1000)
            .SelectMany(i => i % 10 == 9 ? [Packet(101 + (uint)i * 100), Ack(101 + (uint)(i + 1) * 100)] : new[] { Packet(101 + (uint)i * 100) })
            .ToArray();
        session.Add(new PacketHeader(0, packets[0].Length, packets[0].Length), packets[0]);
        session.Add(new PacketHeader(0, packets[1].Length, packets[1].Length), packets[1]);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 2; i < packets.Length; i++)
            session.Add(new PacketHeader(0, packets[i].Length, packets[i].Length), packets[i]);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        // The retransmission-check window grows on demand (to 64 KiB here); the rest must be zero.
        Assert.True(allocated < 200_000, $"{allocated} bytes allocated for 998 in-order segments and their ACKs");
        Assert.Equal(1000 * 100, quiet.Stats(0, Direction.Orig).DeliveredBytes);

        static byte[] Packet(uint seq)
        {
            byte[] tcp = Packets.Tcp(1000, 80, seq, 0, Wire.Ack, payload: 100);
            return Packets.IPv4(6, tcp);
        }

        static byte[] Ack(uint ack) => Packets.IPv4(6, Packets.Tcp(80, 1000, 0, ack, Wire.Ack), src: "10.0.0.2", dst: "10.0.0.1");
    }

    private sealed class Quiet : IStreamConsumerFactory, IStreamConsumer
    {
        public IStreamConsumer? Create(ProtoScope.Core.Tcp.TcpConnection connection, Direction direction) => this;
        public void OnData(ReadOnlySpan<byte> bytes, long offset, long frame) { }
        public void OnGap(in StreamGap gap) { }
        public void OnEnd(StreamEnd end, long offset, long frame) { }
    }
}
