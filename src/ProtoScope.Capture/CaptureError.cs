namespace ProtoScope.Capture;

/// <summary>
/// A capture could not be opened or used, for a reason the user can act on. The message is one line that
/// says what is wrong and what to do; the CLI prints it and exits with code 2.
/// </summary>
public sealed class CaptureError(string message, Exception? inner = null) : Exception(message, inner);
