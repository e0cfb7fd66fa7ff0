using System.Buffers.Binary;

namespace ProtoScope.Core.Decoding;

/// <summary>A SACK block: [Left, Right) in raw sequence space (RFC 2018).</summary>
public readonly record struct SackBlock(uint Left, uint Right);

/// <summary>
/// The TCP options we understand, parsed by hand from the header bytes: PacketDotNet's option parser
/// loops forever on a zero-length option and misreads SACK blocks (see API-NOTES).
/// </summary>
public struct TcpOptions
{
    public ushort Mss;
    public bool HasMss;
    public byte WindowScale;
    public bool HasWindowScale;
    public bool SackPermitted;
    public bool HasTimestamps;
    public uint TsVal;
    public uint TsEcr;
    public bool HasFastOpen;
    /// <summary>Number of SACK blocks (at most 4 fit in 40 option bytes).</summary>
    public byte SackCount;
    public SackBlock Sack0, Sack1, Sack2, Sack3;
    /// <summary>True when the option list ended in a malformed option (length below 2 or past the header).</summary>
    public bool Malformed;

    public readonly bool Any => HasMss || HasWindowScale || SackPermitted || HasTimestamps || SackCount > 0 || HasFastOpen;

    public readonly SackBlock SackAt(int i) => i switch { 0 => Sack0, 1 => Sack1, 2 => Sack2, _ => Sack3 };

    private void AddSack(SackBlock block)
    {
        switch (SackCount)
        {
            case 0: Sack0 = block; break;
            case 1: Sack1 = block; break;
            case 2: Sack2 = block; break;
            case 3: Sack3 = block; break;
            default: return;
        }
        SackCount++;
    }

    /// <summary>Parses the option bytes (the header after its first 20 bytes). Never throws, never loops.</summary>
    public static TcpOptions Parse(ReadOnlySpan<byte> options)
    {
        var o = new TcpOptions();
        int i = 0;
        while (i < options.Length)
        {
            byte kind = options[i];
            if (kind == 0) break;           // end of option list
            if (kind == 1) { i++; continue; } // no-op
            if (i + 1 >= options.Length) { o.Malformed = true; break; }
            int len = options[i + 1];
            if (len < 2 || i + len > options.Length) { o.Malformed = true; break; }
            var body = options.Slice(i + 2, len - 2);
            switch (kind)
            {
                case 2 when body.Length == 2:
                    o.HasMss = true; o.Mss = BinaryPrimitives.ReadUInt16BigEndian(body); break;
                case 3 when body.Length == 1:
                    o.HasWindowScale = true; o.WindowScale = body[0]; break;
                case 4:
                    o.SackPermitted = true; break;
                case 5:
                    for (int b = 0; b + 8 <= body.Length; b += 8)
                        o.AddSack(new SackBlock(BinaryPrimitives.ReadUInt32BigEndian(body[b..]), BinaryPrimitives.ReadUInt32BigEndian(body[(b + 4)..])));
                    break;
                case 8 when body.Length == 8:
                    o.HasTimestamps = true;
                    o.TsVal = BinaryPrimitives.ReadUInt32BigEndian(body);
                    o.TsEcr = BinaryPrimitives.ReadUInt32BigEndian(body[4..]);
                    break;
                case 34:
                    o.HasFastOpen = true; break;
                case 254 when body.Length >= 2 && body[0] == 0xF9 && body[1] == 0x89:
                    o.HasFastOpen = true; break; // experimental TFO (RFC 6994 ExID 0xF989)
            }
            i += len;
        }
        return o;
    }
}
