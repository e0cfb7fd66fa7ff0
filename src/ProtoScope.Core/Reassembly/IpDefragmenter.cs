using System.Buffers.Binary;
using ProtoScope.Core.Decoding;

namespace ProtoScope.Core.Reassembly;

/// <summary>
/// Puts IPv4 and IPv6 fragments back together (RFC 791 §3.2, RFC 8200 §4.5), so that the transport layer sees the
/// datagram the sender wrote: a 1473-byte UDP payload over a 1500-byte MTU, or a tunnel whose outer packets were split.
/// </summary>
/// <remarks>
/// Fragments of one datagram share the source, destination, identification and (IPv4) protocol. Where two fragments
/// overlap, the bytes already in place stay, as in Wireshark's reassembly, and the datagram is marked
/// <see cref="OverlapConflicts"/> when the overlapping bytes differ. A datagram is given up when its first fragment is
/// older than <see cref="Timeout"/> (RFC 8200's 60 seconds), and memory is bounded: at most
/// <see cref="MaxDatagrams"/> datagrams and <see cref="MaxBytes"/> bytes wait at once, the oldest given up first, so a
/// flood of fragments that never complete cannot grow it.
/// </remarks>
public sealed class IpDefragmenter(int maxDatagrams = IpDefragmenter.DefaultMaxDatagrams, long maxBytes = IpDefragmenter.DefaultMaxBytes)
{
    public const int DefaultMaxDatagrams = 4096;
    public const long DefaultMaxBytes = 64L * 1024 * 1024;
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private const long TimeoutNs = 60_000_000_000L;

    public int MaxDatagrams { get; } = maxDatagrams;
    public long MaxBytes { get; } = maxBytes;

    private readonly record struct Key(NetAddress Src, NetAddress Dst, uint Id, byte Protocol);

    private sealed class Datagram(long firstSeen)
    {
        public readonly long FirstSeen = firstSeen;
        public readonly List<(int Offset, byte[] Data)> Pieces = new();
        /// <summary>The first fragment's bytes up to its data: link, IP header and, for IPv6, the extension headers.</summary>
        public byte[]? Header;
        public int NetworkOffset;
        public Network Network;
        /// <summary>The datagram's length, known once the last fragment (more-fragments clear) came; -1 before.</summary>
        public int Total = -1;
        public long Bytes;
    }

    private readonly Dictionary<Key, Datagram> _pending = new();
    private readonly Queue<(Key Key, Datagram Datagram)> _byAge = new();
    private long _bytes;

    /// <summary>Datagrams waiting for fragments, and the bytes they hold.</summary>
    public int PendingDatagrams => _pending.Count;
    public long PendingBytes => _bytes;
    public long Completed { get; private set; }
    /// <summary>Datagrams given up: timed out, or the oldest when the bounds were reached.</summary>
    public long Abandoned { get; private set; }
    /// <summary>Completed datagrams in which two fragments overlapped with different bytes (an evasion attempt, or a broken stack).</summary>
    public long OverlapConflicts { get; private set; }

    /// <summary>
    /// Adds the fragment <paramref name="p"/> was decoded from. When it completes its datagram, returns true with
    /// <paramref name="frame"/> set to the whole datagram behind the first fragment's link layer, its IP header saying
    /// "not a fragment", to decode as one packet; <paramref name="fragments"/> counts the fragments that made it.
    /// </summary>
    public bool Add(in DecodedPacket p, ReadOnlySpan<byte> data, long timestamp, out byte[] frame, out int fragments)
    {
        frame = [];
        fragments = 0;
        Expire(timestamp);
        int length = p.Network == Network.IPv4
            ? p.IpLength - p.NetworkHeaderLength
            : p.IpLength - (p.FragmentDataOffset - p.NetworkOffset);
        int captured = Math.Min(length, data.Length - p.FragmentDataOffset);
        // A fragment whose header is cut, or whose data the capture cut short, cannot rebuild the datagram.
        if (p.FragmentDataOffset <= 0 || length <= 0 || captured < length) return false;
        // RFC 791/8200: every fragment but the last carries a multiple of 8 bytes; another size is a broken fragment.
        if (p.MoreFragments && length % 8 != 0) return false;

        var key = new Key(p.Src, p.Dst, p.FragmentId, p.Network == Network.IPv4 ? p.IpProtocol : (byte)0);
        if (!_pending.TryGetValue(key, out var d))
        {
            d = new Datagram(timestamp);
            _pending[key] = d;
            _byAge.Enqueue((key, d));
        }
        int end = p.FragmentOffset + length;
        if (end > 0xFFFF)
        {
            // No IP datagram is longer than 65,535 bytes: fragments that add up to more are an attack (ping of death).
            Drop(key, d);
            return false;
        }
        d.Pieces.Add((p.FragmentOffset, data.Slice(p.FragmentDataOffset, length).ToArray()));
        d.Bytes += length;
        _bytes += length;
        if (p.FragmentOffset == 0 && d.Header is null)
        {
            d.Header = data[..p.FragmentDataOffset].ToArray();
            d.NetworkOffset = p.NetworkOffset;
            d.Network = p.Network;
            d.Bytes += d.Header.Length;
            _bytes += d.Header.Length;
        }
        if (!p.MoreFragments) d.Total = end;
        if (TryComplete(d, out frame))
        {
            fragments = d.Pieces.Count;
            Completed++;
            Remove(key, d);
            return true;
        }
        Bound();
        return false;
    }

    private bool TryComplete(Datagram d, out byte[] frame)
    {
        frame = [];
        if (d.Total < 0 || d.Header is null) return false;
        // Fewer data bytes than the datagram holds cannot cover it: no sort until they could (a datagram cut into
        // thousands of 8-byte fragments would otherwise be sorted again on every one of them).
        if (d.Bytes - d.Header.Length < d.Total) return false;
        // Covered from 0 to the end without a hole? Pieces in offset order, the earlier-added first at equal offsets.
        var pieces = d.Pieces.Select((piece, i) => (piece.Offset, piece.Data, i)).OrderBy(x => x.Offset).ThenBy(x => x.i).ToList();
        int covered = 0;
        foreach (var (offset, data, _) in pieces)
        {
            if (offset > covered) return false;
            covered = Math.Max(covered, offset + data.Length);
        }
        if (covered < d.Total) return false;

        var header = d.Header;
        frame = new byte[header.Length + d.Total];
        header.CopyTo(frame, 0);
        var body = frame.AsSpan(header.Length);
        int filled = 0;
        bool conflict = false;
        foreach (var (offset, data, _) in pieces)
        {
            int usable = Math.Min(data.Length, d.Total - offset);
            if (usable <= 0) continue;
            int overlap = Math.Min(Math.Max(filled - offset, 0), usable);
            if (overlap > 0 && !data.AsSpan(0, overlap).SequenceEqual(body.Slice(offset, overlap))) conflict = true;
            if (usable > overlap) data.AsSpan(overlap, usable - overlap).CopyTo(body[(offset + overlap)..]);
            filled = Math.Max(filled, offset + usable);
        }
        if (conflict) OverlapConflicts++;

        var ip = frame.AsSpan(d.NetworkOffset);
        if (d.Network == Network.IPv4)
        {
            int ihl = (ip[0] & 0x0F) * 4;
            BinaryPrimitives.WriteUInt16BigEndian(ip[2..], (ushort)(ihl + d.Total));
            // Keep don't-fragment, clear more-fragments and the offset.
            ip[6] &= 0x40;
            ip[7] = 0;
        }
        else
        {
            // The fragment header is the last 8 bytes of the saved header: zero offset and more-fragments make it a
            // whole datagram (RFC 8200's "atomic fragment").
            BinaryPrimitives.WriteUInt16BigEndian(ip[4..], (ushort)(header.Length - d.NetworkOffset - 40 + d.Total));
            frame[header.Length - 6] = 0;
            frame[header.Length - 5] = 0;
        }
        return true;
    }

    private void Expire(long now)
    {
        while (_byAge.TryPeek(out var oldest))
        {
            if (!_pending.TryGetValue(oldest.Key, out var d) || !ReferenceEquals(d, oldest.Datagram)) { _byAge.Dequeue(); continue; }
            if (now - d.FirstSeen <= TimeoutNs) break;
            _byAge.Dequeue();
            Drop(oldest.Key, d);
        }
    }

    private void Bound()
    {
        while ((_pending.Count > MaxDatagrams || _bytes > MaxBytes) && _byAge.TryDequeue(out var oldest))
        {
            if (_pending.TryGetValue(oldest.Key, out var d) && ReferenceEquals(d, oldest.Datagram)) Drop(oldest.Key, d);
        }
        // Completed datagrams leave their entry in the age queue until it reaches the front: behind one old datagram
        // that never completes, those would pile up. Keep only the live ones when they outnumber them.
        if (_byAge.Count > 4 * (_pending.Count + 16))
        {
            var live = _byAge.Where(e => _pending.TryGetValue(e.Key, out var d) && ReferenceEquals(d, e.Datagram)).ToList();
            _byAge.Clear();
            foreach (var e in live) _byAge.Enqueue(e);
        }
    }

    private void Drop(Key key, Datagram d)
    {
        Abandoned++;
        Remove(key, d);
    }

    private void Remove(Key key, Datagram d)
    {
        _pending.Remove(key);
        _bytes -= d.Bytes;
    }
}
