namespace ProtoScope.Core.Session;

/// <summary>Which side of a conversation sent a packet: the originator or the responder.</summary>
public enum Direction : byte { Orig = 0, Resp = 1 }

public static class DirectionNames
{
    /// <summary>"orig" or "resp": the word every output (text, JSON, the UI) uses for a direction.</summary>
    public static string Name(this Direction direction) => direction == Direction.Orig ? "orig" : "resp";
}
