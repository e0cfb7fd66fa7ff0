namespace ProtoScope.Core.Session;

/// <summary>Which side of a conversation sent a packet: the originator or the responder.</summary>
public enum Direction : byte { Orig = 0, Resp = 1 }
