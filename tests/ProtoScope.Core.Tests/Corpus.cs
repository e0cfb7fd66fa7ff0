using ProtoScope.Capture;
using ProtoScope.Core.Session;

namespace ProtoScope.Core.Tests;

/// <summary>The shared third-party capture corpus (<see cref="Repo.Corpus"/>), loaded through the one pass.</summary>
public static class Corpus
{
    /// <summary>Reads a capture through <see cref="CaptureSession"/> into a new <see cref="PacketTable"/>.</summary>
    public static PacketTable Load(string relative)
    {
        using var source = CaptureFile.Open(Repo.CorpusFile(relative));
        var table = new PacketTable(source.LinkType);
        var session = new CaptureSession(source.LinkType, source.TimestampUnit, table);
        while (source.Read(out var header, out var data) == ReadStatus.Packet)
            session.Add(header, data);
        return table;
    }
}
