namespace OrleansChat.TestInfrastructure;

/// <summary>
/// A throwaway folder under the system's temporary folder, <c>{temp}/{group}/{new guid}</c>, deleted with everything
/// in it on dispose. The static members serve tests that keep only the path.
/// </summary>
public sealed class ScratchDirectory(string group) : IDisposable
{
    public string Path { get; } = Create(group);

    public void Dispose() => Delete(Path);

    /// <summary>Creates <c>{temp}/{group}/{new guid}</c> and returns its full path.</summary>
    public static string Create(string group) =>
        Directory.CreateDirectory(System.IO.Path.Combine(System.IO.Path.GetTempPath(), group, Guid.NewGuid().ToString("N"))).FullName;

    /// <summary>Deletes a folder and everything in it; a folder that is in use or locked is left behind.</summary>
    public static void Delete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
