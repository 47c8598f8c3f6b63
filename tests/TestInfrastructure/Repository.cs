namespace OrleansChat.TestInfrastructure;

/// <summary>Files of the repository the tests run from.</summary>
public static class Repository
{
    public static string Root { get; } = FindRoot();

    public static string PathOf(string relative) => Path.Combine(Root, relative);

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "OrleansChat.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("OrleansChat.sln not found above " + AppContext.BaseDirectory);
    }
}
