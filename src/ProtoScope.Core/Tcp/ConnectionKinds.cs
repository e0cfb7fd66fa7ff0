namespace ProtoScope.Core.Tcp;

/// <summary>How a TCP connection opened, as far as the capture shows.</summary>
public enum OpenKind : byte
{
    /// <summary>SYN, SYN-ACK, ACK.</summary>
    ThreeWay,
    /// <summary>Both sides sent a SYN without ACK (RFC 9293 §3.5, figure 8).</summary>
    SimultaneousOpen,
    /// <summary>The SYN was answered by a RST.</summary>
    Refused,
    /// <summary>SYN seen, no SYN-ACK from the other side.</summary>
    Unanswered,
    /// <summary>No SYN seen from the originator: the capture started after the handshake.</summary>
    Midstream,
}

/// <summary>How a TCP connection closed, as far as the capture shows.</summary>
public enum CloseKind : byte
{
    /// <summary>FIN, ACK, FIN, ACK.</summary>
    FourWay,
    /// <summary>FIN, FIN+ACK (the second FIN also acknowledges the first), ACK.</summary>
    ThreeWay,
    /// <summary>Both FINs sent before either side had seen the other's (RFC 9293 §3.6, figure 13).</summary>
    Simultaneous,
    /// <summary>One FIN only so far: one side still sends.</summary>
    HalfClosed,
    ResetByOrig,
    ResetByResp,
    /// <summary>Neither FIN nor RST seen.</summary>
    Open,
}

/// <summary>How a connection opened and closed: pure functions of the two RFC endpoints, computed when asked (never stored).</summary>
public static class ConnectionKinds
{
    public static OpenKind OpenOf(in TcpEndpoint orig, in TcpEndpoint resp)
    {
        if (orig.SentSyn && resp.SentSyn) return OpenKind.SimultaneousOpen;
        if (!orig.SentSyn) return OpenKind.Midstream;
        if (resp.SentSynAck) return OpenKind.ThreeWay;
        return resp.SentRst ? OpenKind.Refused : OpenKind.Unanswered;
    }

    public static CloseKind CloseOf(in TcpEndpoint orig, in TcpEndpoint resp)
    {
        if (orig.SentFin && resp.SentFin)
        {
            ref readonly TcpEndpoint first = ref orig.SentFirstFin ? ref orig : ref resp;
            ref readonly TcpEndpoint second = ref orig.SentFirstFin ? ref resp : ref orig;
            if (!second.FinAckedPeerFin) return CloseKind.Simultaneous;
            return first.FinAckedAlone ? CloseKind.FourWay : CloseKind.ThreeWay;
        }
        if (orig.SentFirstRst) return CloseKind.ResetByOrig;
        if (resp.SentFirstRst) return CloseKind.ResetByResp;
        return orig.SentFin || resp.SentFin ? CloseKind.HalfClosed : CloseKind.Open;
    }
}

public static class ConnectionKindNames
{
    public static string Name(this OpenKind kind) => kind switch
    {
        OpenKind.ThreeWay => "three-way",
        OpenKind.SimultaneousOpen => "simultaneous-open",
        OpenKind.Refused => "refused",
        OpenKind.Unanswered => "unanswered",
        _ => "midstream",
    };

    public static string Name(this CloseKind kind) => kind switch
    {
        CloseKind.FourWay => "four-way",
        CloseKind.ThreeWay => "three-way",
        CloseKind.Simultaneous => "simultaneous",
        CloseKind.HalfClosed => "half-closed",
        CloseKind.ResetByOrig => "reset-by-orig",
        CloseKind.ResetByResp => "reset-by-resp",
        _ => "open",
    };
}
