using ProtoScope.Core.Framing;
using ProtoScope.Core.Tests.Reassembly;

namespace ProtoScope.Core.Tests.Framing;

/// <summary>Everything a framer hands over, kept for the assertions.</summary>
internal sealed class MessageRecord : IMessageSink
{
    public readonly List<(FramedMessage Message, byte[] Payload)> Messages = [];
    public readonly List<FramingFailure> Failures = [];
    public void OnMessage(in FramedMessage message, ReadOnlySpan<byte> payload, string? error) => Messages.Add((message, payload.ToArray()));
    public void OnFailure(in FramingFailure failure) => Failures.Add(failure);
}

/// <summary>
/// One TCP connection (client ISN 100, server ISN 500) after its handshake, framed with <paramref name="spec"/>: the
/// test sends each side's bytes in the segments it chooses, then closes or lets the capture end.
/// </summary>
internal sealed class Exchange
{
    private readonly Wire _wire;
    private uint _orig = 101, _resp = 501;

    public Exchange(FramingSpec spec, bool keepPayloads = true, bool detectNotFramed = false)
    {
        var framer = new ConversationFramer(new ConversationFramerOptions { Spec = spec, KeepPayloads = keepPayloads, DetectNotFramed = detectNotFramed }, Record);
        _wire = new Wire(streams: framer, datagrams: framer);
        _wire.Send(From.Orig, Wire.Syn, 100);
        _wire.Send(From.Resp, Wire.Syn | Wire.Ack, 500, ack: 101);
    }

    public MessageRecord Record { get; } = new();

    /// <summary>The client sends <paramref name="bytes"/> cut into segments of the given sizes (one segment when none).</summary>
    public Exchange Orig(byte[] bytes, params int[] cuts) => Send(From.Orig, bytes, cuts);

    public Exchange Resp(byte[] bytes, params int[] cuts) => Send(From.Resp, bytes, cuts);

    public Exchange Orig(string text, params int[] cuts) => Orig(System.Text.Encoding.UTF8.GetBytes(text), cuts);

    public Exchange Resp(string text, params int[] cuts) => Resp(System.Text.Encoding.UTF8.GetBytes(text), cuts);

    /// <summary>The client's next <paramref name="count"/> bytes are never captured (the server's ACK shows they were sent).</summary>
    public Exchange LoseOrig(int count)
    {
        _orig += (uint)count;
        return this;
    }

    private Exchange Send(From from, byte[] bytes, int[] cuts)
    {
        int at = 0;
        foreach (int size in cuts.Length == 0 ? [bytes.Length] : cuts)
        {
            if (from == From.Orig) { _wire.Send(from, Wire.Ack, _orig, bytes[at..(at + size)], ack: _resp); _orig += (uint)size; }
            else { _wire.Send(from, Wire.Ack, _resp, bytes[at..(at + size)], ack: _orig); _resp += (uint)size; }
            at += size;
        }
        return this;
    }

    /// <summary>Both sides close with FIN, then the capture ends.</summary>
    public MessageRecord Close()
    {
        _wire.Send(From.Orig, Wire.Fin | Wire.Ack, _orig, ack: _resp);
        _wire.Send(From.Resp, Wire.Fin | Wire.Ack, _resp, ack: _orig + 1);
        _wire.Send(From.Orig, Wire.Ack, _orig + 1, ack: _resp + 1);
        _wire.Finish();
        return Record;
    }

    /// <summary>The capture ends with the connection still open.</summary>
    public MessageRecord End()
    {
        _wire.Finish();
        return Record;
    }
}
