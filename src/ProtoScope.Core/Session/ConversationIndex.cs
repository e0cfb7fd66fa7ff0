using ProtoScope.Core.Decoding;

namespace ProtoScope.Core.Session;

/// <summary>
/// Finds the newest conversation between a packet's two endpoints, in either direction. An open-addressing table
/// (linear probing, at most half full) of conversation numbers into the list the conversations live in: the
/// endpoints are stored once, in the conversation, instead of again in a dictionary key, so the index costs 8–16
/// bytes per conversation where a <c>Dictionary</c> keyed by the 5-tuple cost about 130.
/// </summary>
/// <remarks>
/// The hash is direction-independent (a sum of one hash per endpoint) and seeded at random per table, as .NET's
/// string and HashCode hashes are, so a capture cannot be crafted to make every connection collide.
/// </remarks>
internal sealed class ConversationIndex<T>(List<T> conversations) where T : Conversation
{
    private readonly ulong _seed = (ulong)Random.Shared.NextInt64() | 1;
    /// <summary>A conversation's <see cref="Conversation.Id"/> + 1; 0 marks a free slot.</summary>
    private int[] _slots = new int[16];
    private int _used;

    /// <summary>
    /// The conversation between the packet's endpoints, or null. <paramref name="slot"/> is where to
    /// <see cref="Store"/> a new one for the same endpoints (replacing the one found, if any).
    /// </summary>
    public T? Find(in DecodedPacket p, out int slot)
    {
        int mask = _slots.Length - 1;
        int i = Home(Hash(p.Src, p.SrcPort, p.Dst, p.DstPort), mask);
        while (true)
        {
            int entry = _slots[i];
            if (entry == 0)
            {
                slot = i;
                return null;
            }
            var c = conversations[entry - 1];
            if (c.Connects(p))
            {
                slot = i;
                return c;
            }
            i = (i + 1) & mask;
        }
    }

    /// <summary>Makes <paramref name="conversation"/> the one found at <paramref name="slot"/> from now on.</summary>
    public void Store(int slot, T conversation)
    {
        if (_slots[slot] == 0) _used++;
        _slots[slot] = conversation.Id + 1;
        if (_used * 2 > _slots.Length) Grow();
    }

    private void Grow()
    {
        var old = _slots;
        _slots = new int[old.Length * 2];
        int mask = _slots.Length - 1;
        foreach (int entry in old)
        {
            if (entry == 0) continue;
            var c = conversations[entry - 1];
            int i = Home(Hash(c.OrigAddress, c.OrigPort, c.RespAddress, c.RespPort), mask);
            while (_slots[i] != 0) i = (i + 1) & mask;
            _slots[i] = entry;
        }
    }

    private static int Home(ulong hash, int mask) => (int)(hash >> 32) & mask;

    private ulong Hash(NetAddress a, ushort portA, NetAddress b, ushort portB) =>
        Mix(a.Low ^ _seed ^ ((a.High + portA) * 0x9E3779B97F4A7C15)) + Mix(b.Low ^ _seed ^ ((b.High + portB) * 0x9E3779B97F4A7C15));

    /// <summary>MurmurHash3's 64-bit finalizer: every input bit affects every output bit.</summary>
    private static ulong Mix(ulong x)
    {
        x ^= x >> 33;
        x *= 0xFF51AFD7ED558CCD;
        x ^= x >> 33;
        x *= 0xC4CEB9FE1A85EC53;
        x ^= x >> 33;
        return x;
    }
}
