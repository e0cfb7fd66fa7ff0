using System.Text.RegularExpressions;

namespace ProtoScope.Core.Tcp;

/// <summary>
/// Zeek's conn_state, computed on demand from the two endpoint states and the history, exactly as the function
/// conn_state in Zeek's scripts/base/protocols/conn/main.zeek does (never stored).
/// </summary>
public static partial class ZeekConnState
{
    /// <summary>Zeek's RSTOS0 test: the originator sent a SYN and then a RST with no SYN-ACK, ACK or FIN before it.</summary>
    [GeneratedRegex(@"^\^?S[^HAFGIQ]*R.*$")]
    private static partial Regex SynThenReset();

    public static string Tcp(ZeekEndpointState orig, ZeekEndpointState resp, long origSize, long respSize, string history)
    {
        bool origInactive = orig is ZeekEndpointState.Inactive or ZeekEndpointState.Partial;
        bool respInactive = resp is ZeekEndpointState.Inactive or ZeekEndpointState.Partial;

        if (resp == ZeekEndpointState.Reset)
        {
            if (orig is ZeekEndpointState.SynSent or ZeekEndpointState.SynAckSent
                || (orig == ZeekEndpointState.Reset && origSize == 0 && respSize == 0))
                return "REJ";
            return origInactive ? "RSTRH" : "RSTR";
        }
        if (orig == ZeekEndpointState.Reset)
        {
            if (respInactive) return SynThenReset().IsMatch(history) ? "RSTOS0" : "OTH";
            return "RSTO";
        }
        if (resp == ZeekEndpointState.Closed && orig == ZeekEndpointState.Closed) return "SF";
        if (orig == ZeekEndpointState.Closed) return respInactive ? "SH" : "S2";
        if (resp == ZeekEndpointState.Closed) return origInactive ? "SHR" : "S3";
        if (orig == ZeekEndpointState.SynSent && resp == ZeekEndpointState.Inactive) return "S0";
        if (orig == ZeekEndpointState.Established && resp == ZeekEndpointState.Established) return "S1";
        return "OTH";
    }

    public static string Udp(ZeekUdpState orig, ZeekUdpState resp) =>
        orig == ZeekUdpState.Active
            ? (resp == ZeekUdpState.Active ? "SF" : "S0")
            : (resp == ZeekUdpState.Active ? "SHR" : "OTH");
}
