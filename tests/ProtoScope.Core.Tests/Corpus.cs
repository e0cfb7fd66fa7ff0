using ProtoScope.Capture;
using ProtoScope.Core.Session;

namespace ProtoScope.Core.Tests;

/// <summary>The shared third-party capture corpus (../shared/corpus beside the checkout), loaded through the one pass.</summary>
public static class Corpus
{
    public static string Root { get; } = FindRoot();

    public static string Dir => Path.GetFullPath(Path.Combine(Root, "..", "shared", "corpus"));

    public static string PathOf(string relative) => Path.Combine(Dir, relative);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "ProtoScope.sln"))) return dir.FullName;
        throw new InvalidOperationException("ProtoScope.sln not found above " + AppContext.BaseDirectory);
    }

    /// <summary>Reads a capture through <see cref="CaptureSession"/> into a new <see cref="PacketTable"/>.</summary>
    public static PacketTable Load(string relative)
    {
        using var source = CaptureFile.Open(PathOf(relative));
        var table = new PacketTable(source.LinkType);
        var session = new CaptureSession(source.LinkType, source.TimestampUnit, table);
        while (source.Read(out var header, out var data) == ReadStatus.Packet)
            session.Add(header, data);
        return table;
    }
}
