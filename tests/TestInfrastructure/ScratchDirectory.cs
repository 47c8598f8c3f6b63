namespace OrleansChat.TestInfrastructure;

/// <summary>Throwaway folders under the system's temporary folder, one fresh one per call.</summary>
public static class ScratchDirectory
{
    /// <summary>Creates <c>{temp}/{group}/{new guid}</c> and returns its full path.</summary>
    public static string Create(string group) =>
        Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), group, Guid.NewGuid().ToString("N"))).FullName;

    /// <summary>Deletes a folder and everything in it; a folder that is in use or locked is left behind.</summary>
    public static void Delete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
