namespace Reversal.Training.Serialization;

/// <summary>Free space of a folder's volume and recognition of "disk full" errors, on Linux, macOS and Windows.</summary>
internal static class DiskSpace
{
    // errno ENOSPC (28) and EDQUOT (Linux 122, macOS 69); Windows ERROR_HANDLE_DISK_FULL (39) and ERROR_DISK_FULL (112).
    private static readonly int[] DiskFullCodes = OperatingSystem.IsWindows() ? [39, 112] : OperatingSystem.IsMacOS() ? [28, 69] : [28, 122];

    /// <summary>True when <paramref name="e"/> (or an exception inside it) reports a full disk or an exhausted quota.</summary>
    public static bool IsDiskFull(IOException e)
    {
        for (Exception? x = e; x is not null; x = x.InnerException)
        {
            if (x is InsufficientDiskSpaceException) return true;
            if (x is IOException io && DiskFullCodes.Contains(io.HResult & 0xFFFF)) return true;
        }
        return false;
    }

    /// <summary>Free bytes available to this user on the volume holding <paramref name="path"/>, or null when that cannot be found.</summary>
    public static long? FreeBytes(string path)
    {
        try
        {
            string full = Path.GetFullPath(path);
            // The volume is the drive whose root is the longest prefix of the path (mount points on Unix).
            DriveInfo? best = null;
            foreach (var drive in DriveInfo.GetDrives())
            {
                string root = drive.RootDirectory.FullName;
                bool under = full.StartsWith(root, OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal)
                             && (full.Length == root.Length || root.EndsWith(Path.DirectorySeparatorChar) || full[root.Length] == Path.DirectorySeparatorChar);
                if (under && (best is null || root.Length > best.RootDirectory.FullName.Length)) best = drive;
            }
            return best?.AvailableFreeSpace;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return null;
        }
    }
}
