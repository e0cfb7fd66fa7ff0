using System.Runtime.InteropServices;

namespace ProtoScope.Capture;

/// <summary>
/// Gives up root after the capture device is open, as tcpdump's -Z does (droproot() in tcpdump.c): the open
/// packet socket keeps working, while everything after it, above all the parsing of packets from the
/// network, runs as an ordinary user without capabilities.
/// </summary>
public static partial class Privileges
{
    /// <summary>
    /// Switches the whole process (glibc applies setuid and friends to every thread) to
    /// <paramref name="user"/>'s uid, gid and supplementary groups, and checks that root cannot be regained.
    /// </summary>
    public static void DropTo(string user)
    {
        if (!OperatingSystem.IsLinux())
            throw new CaptureError("--drop-user works on Linux only");
        IntPtr pw = getpwnam(user);
        if (pw == IntPtr.Zero)
            throw new CaptureError($"--drop-user {user}: no such user");
        // struct passwd on Linux: char *pw_name, char *pw_passwd, uid_t pw_uid, gid_t pw_gid, ...
        uint uid = (uint)Marshal.ReadInt32(pw, 2 * IntPtr.Size);
        uint gid = (uint)Marshal.ReadInt32(pw, 2 * IntPtr.Size + 4);
        if (geteuid() != 0)
        {
            if (geteuid() == uid) return;
            throw new CaptureError($"--drop-user {user}: only root can switch to another user; start with sudo, or leave --drop-user out");
        }
        if (initgroups(user, gid) != 0 || setgid(gid) != 0 || setuid(uid) != 0)
            throw new CaptureError($"--drop-user {user}: cannot switch to the user ({Marshal.GetLastPInvokeErrorMessage()})");
        if (uid != 0 && setuid(0) == 0)
            throw new CaptureError($"--drop-user {user}: root could be regained after switching, refusing to go on");
    }

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial IntPtr getpwnam(string name);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int initgroups(string user, uint group);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int setgid(uint gid);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int setuid(uint uid);

    [LibraryImport("libc")]
    private static partial uint geteuid();
}
