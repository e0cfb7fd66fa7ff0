namespace ProtoScope.Core.Tcp;

/// <summary>
/// Zeek's connection history string (conn.log <c>history</c>): one letter per kind of event, upper case for the
/// originator, lower case for the responder. Most letters are recorded once per direction (Zeek's
/// Session::CheckHistory with a bit per letter and direction); T (retransmission), W (zero window) and C (bad
/// checksum) are recorded each time their count reaches 1, 10, 100, ... (Session::ScaledHistoryEntry).
/// </summary>
public sealed class ConnectionHistory
{
    // A bare char buffer rather than a StringBuilder: one small array per connection (the model's unit of memory);
    // the string is made only when asked for.
    private char[] _letters = new char[8];
    private int _length;
    private uint _seen;

    /// <summary>The bits Zeek uses per letter for the originator; the responder's are these shifted left by 16.</summary>
    [Flags]
    public enum Mask : uint
    {
        Syn = 0x1, Fin = 0x2, Rst = 0x4, FinRst = 0x8, Data = 0x10, Ack = 0x20, MultiFlag = 0x40,
    }

    public override string ToString() => new(_letters, 0, _length);

    public int Length => _length;

    public void Add(char letter)
    {
        if (_length == _letters.Length) Array.Resize(ref _letters, _length * 2);
        _letters[_length++] = letter;
    }

    /// <summary>
    /// Records <paramref name="letter"/> (upper case for the originator, lower for the responder) unless this kind was
    /// already recorded for that side. Returns whether it had been recorded before, as Zeek's CheckHistory does.
    /// </summary>
    public bool Check(Mask mask, char letter, bool isOrig)
    {
        uint bit = isOrig ? (uint)mask : (uint)mask << 16;
        if ((_seen & bit) != 0) return true;
        _seen |= bit;
        Add(isOrig ? letter : char.ToLowerInvariant(letter));
        return false;
    }

    /// <summary>Counts one more event; records the letter when the count reaches the threshold, then multiplies the threshold by 10.</summary>
    public static bool Scaled(ConnectionHistory history, char letter, ref uint counter, ref uint threshold)
    {
        if (++counter != threshold) return false;
        history.Add(letter);
        uint next = threshold * 10;
        if (next <= threshold) counter = 0;
        else threshold = next;
        return true;
    }

    /// <summary>Zeek's ReplaceHistory, used when it flips a connection that began with a SYN-ACK ("H" becomes "^h").</summary>
    public void Replace(string letters)
    {
        _length = 0;
        foreach (char c in letters) Add(c);
    }
}
