namespace ProtoScope.Core.Tcp;

/// <summary>
/// Zeek's connection history string (conn.log <c>history</c>): one letter per kind of event, upper case for the
/// originator, lower case for the responder. Most letters are recorded once per direction (Zeek's
/// Session::CheckHistory with a bit per letter and direction); T (retransmission), W (zero window) and C (bad
/// checksum) are recorded each time their count reaches 1, 10, 100, ... (Session::ScaledHistoryEntry).
/// </summary>
/// <remarks>
/// A struct held inside its conversation, and the letters inside the struct: a connection is the model's unit of
/// memory. Up to <see cref="InlineLetters"/> letters (almost every history: "ShADadFf" is 8) are packed 5 bits
/// each into one ulong; a longer history, or a letter outside Zeek's alphabet, moves all letters to a char array.
/// The string is made only when asked for.
/// </remarks>
public struct ConnectionHistory
{
    /// <summary>The letters Zeek's TCP and UDP analysers record; a letter's code is its index + 1 (0 is no letter).</summary>
    private const string Alphabet = "^SHADFRTWCIQGshadfrtwciqg";

    /// <summary>Each ASCII letter's code, 0 for none: a letter is added for most packets, and a search of the alphabet showed in profiles.</summary>
    private static readonly byte[] Codes = CodesOf(Alphabet);

    private static byte[] CodesOf(string alphabet)
    {
        var codes = new byte[128];
        for (int i = 0; i < alphabet.Length; i++) codes[alphabet[i]] = (byte)(i + 1);
        return codes;
    }

    private const int InlineLetters = 12;
    private const int BitsPerLetter = 5;

    private ulong _inline;
    /// <summary>All the letters, once there are more than <see cref="InlineLetters"/> or one outside <see cref="Alphabet"/>.</summary>
    private char[]? _spilled;
    private int _length;
    private uint _seen;

    /// <summary>The bits Zeek uses per letter for the originator; the responder's are these shifted left by 16.</summary>
    [Flags]
    public enum Mask : uint
    {
        Syn = 0x1, Fin = 0x2, Rst = 0x4, FinRst = 0x8, Data = 0x10, Ack = 0x20, MultiFlag = 0x40,
    }

    /// <summary>
    /// The count at which a scaled letter is recorded next, by the number of times it has been recorded: 1, 10, 100,
    /// ... as uint arithmetic makes them (the last one wraps, as Zeek's uint32 threshold does).
    /// </summary>
    private static ReadOnlySpan<uint> ScaledThresholds =>
        [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000, unchecked(1_000_000_000u * 10u)];

    public readonly override string ToString()
    {
        if (_spilled is not null) return new string(_spilled, 0, _length);
        Span<char> letters = stackalloc char[InlineLetters];
        for (int i = 0; i < _length; i++)
            letters[i] = Alphabet[(int)((_inline >> (i * BitsPerLetter)) & 0x1F) - 1];
        return new string(letters[.._length]);
    }

    public readonly int Length => _length;

    internal void Add(char letter)
    {
        if (_spilled is null)
        {
            int code = letter < Codes.Length ? Codes[letter] : 0;
            if (code > 0 && _length < InlineLetters)
            {
                _inline |= (ulong)code << (_length * BitsPerLetter);
                _length++;
                return;
            }
            Spill();
        }
        if (_length == _spilled!.Length) Array.Resize(ref _spilled, _length * 2);
        _spilled[_length++] = letter;
    }

    private void Spill()
    {
        var letters = new char[InlineLetters * 2];
        for (int i = 0; i < _length; i++)
            letters[i] = Alphabet[(int)((_inline >> (i * BitsPerLetter)) & 0x1F) - 1];
        _spilled = letters;
        _inline = 0;
    }

    /// <summary>
    /// Records <paramref name="letter"/> (upper case for the originator, lower for the responder) unless this kind was
    /// already recorded for that side. Returns whether it had been recorded before, as Zeek's CheckHistory does.
    /// </summary>
    internal bool Check(Mask mask, char letter, bool isOrig)
    {
        uint bit = isOrig ? (uint)mask : (uint)mask << 16;
        if ((_seen & bit) != 0) return true;
        _seen |= bit;
        Add(isOrig ? letter : char.ToLowerInvariant(letter));
        return false;
    }

    /// <summary>
    /// Counts one more event; records the letter when the count reaches the threshold that <paramref name="scale"/>
    /// indexes, then moves to the next threshold (ten times larger), or, past the last, starts counting again.
    /// </summary>
    internal bool Scaled(char letter, ref uint counter, ref byte scale)
    {
        if (++counter != ScaledThresholds[scale]) return false;
        Add(letter);
        if (scale + 1 < ScaledThresholds.Length) scale++;
        else counter = 0;
        return true;
    }

    /// <summary>Zeek's ReplaceHistory, used when it flips a connection that began with a SYN-ACK ("H" becomes "^h").</summary>
    internal void Replace(string letters)
    {
        _length = 0;
        _inline = 0;
        foreach (char c in letters) Add(c);
    }
}
