using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Npgsql;
using Xunit;

namespace OrleansChat.TestInfrastructure;

/// <summary>
/// One PostgreSQL server per test process, shared by every test class, each of which gets its own database.
/// The server is the one in <c>ORLEANSCHAT_POSTGRES</c> (a connection string) when that is set; otherwise a throwaway
/// one started from the highest <c>/usr/lib/postgresql/*/bin</c> into a temporary folder on a free loopback port
/// (as the <c>postgres</c> user when the tests run as root) and stopped and deleted when the process exits.
/// Where neither exists, <see cref="RequireAsync"/> skips the test with the reason.
/// </summary>
public sealed class PostgresServer
{
    public const string EnvironmentVariable = "ORLEANSCHAT_POSTGRES";

    private static readonly Lazy<Task<PostgresServer>> Shared = new(StartAsync, LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly string _adminConnectionString;

    private PostgresServer(string adminConnectionString, string? unavailableReason)
    {
        _adminConnectionString = adminConnectionString;
        UnavailableReason = unavailableReason;
    }

    /// <summary>Why no server can be used; null when one is running.</summary>
    public string? UnavailableReason { get; }

    /// <summary>The shared server, started on first use; check <see cref="UnavailableReason"/> (fixtures use this).</summary>
    public static Task<PostgresServer> GetAsync() => Shared.Value;

    /// <summary>The shared server; the test is skipped (xunit's <c>Assert.Skip</c>) when there is none.</summary>
    public static async Task<PostgresServer> RequireAsync()
    {
        var server = await GetAsync().ConfigureAwait(false);
        server.SkipIfUnavailable();
        return server;
    }

    /// <summary>Skips the running test with <see cref="UnavailableReason"/> when there is no server.</summary>
    public void SkipIfUnavailable()
    {
        if (UnavailableReason is { } reason)
        {
            Assert.Skip(reason);
        }
    }

    /// <summary>A new empty database with a random name; returns its connection string. Databases go with the server.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix = "test")
    {
        var name = $"{prefix}_{Guid.NewGuid():N}".ToLowerInvariant();
        var connection = new NpgsqlConnection(_adminConnectionString);
        await using (connection.ConfigureAwait(false))
        {
            await connection.OpenAsync().ConfigureAwait(false);
            var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\" ENCODING 'UTF8' TEMPLATE template0;", connection);
            await using (command.ConfigureAwait(false))
            {
                await command.ExecuteNonQueryAsync().ConfigureAwait(false);
            }
        }

        return new NpgsqlConnectionStringBuilder(_adminConnectionString) { Database = name }.ConnectionString;
    }

    private static async Task<PostgresServer> StartAsync()
    {
        if (Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } given)
        {
            return new PostgresServer(given, unavailableReason: null);
        }

        var binaries = FindBinaries();
        if (binaries is null)
        {
            return new PostgresServer(
                "",
                $"No PostgreSQL: set {EnvironmentVariable} to a connection string, or install PostgreSQL (no /usr/lib/postgresql/*/bin/initdb found).");
        }

        ThrowawayServer.DeleteStaleFolders();
        var server = new ThrowawayServer(binaries);
        await server.StartAsync().ConfigureAwait(false);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.Stop();
        return new PostgresServer(server.ConnectionString, unavailableReason: null);
    }

    private static string? FindBinaries()
    {
        const string root = "/usr/lib/postgresql";
        if (!Directory.Exists(root))
        {
            return null;
        }

        return Directory.GetDirectories(root)
            .Select(directory => (Directory: directory, Version: double.TryParse(Path.GetFileName(directory), NumberStyles.Float, CultureInfo.InvariantCulture, out var version) ? version : -1))
            .Where(candidate => File.Exists(Path.Combine(candidate.Directory, "bin", "initdb")))
            .OrderByDescending(candidate => candidate.Version)
            .Select(candidate => Path.Combine(candidate.Directory, "bin"))
            .FirstOrDefault();
    }

    /// <summary>initdb + pg_ctl in a temporary folder; as the postgres user when this process is root.</summary>
    private sealed class ThrowawayServer(string binaries)
    {
        private const string FolderPrefix = "orleanschat-postgres-";

        private readonly string _folder = Path.Combine(Path.GetTempPath(), FolderPrefix + Guid.NewGuid().ToString("N"));
        private readonly bool _asPostgresUser = Environment.UserName == "root";

        private string DataDirectory => Path.Combine(_folder, "data");

        public string ConnectionString { get; private set; } = "";

        public async Task StartAsync()
        {
            Directory.CreateDirectory(_folder);
            if (_asPostgresUser)
            {
                await RunAsync("chown", "postgres:postgres", _folder).ConfigureAwait(false);
            }

            await RunPostgresToolAsync("initdb", "-D", DataDirectory, "-A", "trust", "-E", "UTF8", "--locale=C", "-U", "postgres", "--no-sync").ConfigureAwait(false);

            var port = FreeLoopbackPort();
            var serverOptions = $"-p {port} -k {_folder} -c listen_addresses=127.0.0.1 -c fsync=on -c max_connections=300";
            await RunPostgresToolAsync("pg_ctl", "start", "-D", DataDirectory, "-w", "-t", "60", "-l", Path.Combine(_folder, "server.log"), "-o", serverOptions)
                .ConfigureAwait(false);

            ConnectionString = new NpgsqlConnectionStringBuilder
            {
                Host = "127.0.0.1",
                Port = port,
                Username = "postgres",
                Database = "postgres",
                MaxPoolSize = 50,
            }.ConnectionString;
        }

        public void Stop()
        {
            try
            {
                RunPostgresToolAsync("pg_ctl", "stop", "-D", DataDirectory, "-m", "fast", "-w").GetAwaiter().GetResult();
            }
            finally
            {
                TryDelete(_folder);
            }
        }

        /// <summary>Deletes folders that earlier test processes left behind (killed before they cleaned up): stopped servers only.</summary>
        public static void DeleteStaleFolders()
        {
            foreach (var folder in Directory.GetDirectories(Path.GetTempPath(), FolderPrefix + "*"))
            {
                var stopped = !File.Exists(Path.Combine(folder, "data", "postmaster.pid"));
                var old = Directory.GetLastWriteTimeUtc(folder) < DateTime.UtcNow.AddMinutes(-10);
                if (stopped && old)
                {
                    TryDelete(folder);
                }
            }
        }

        private static void TryDelete(string folder)
        {
            for (var attempt = 0; attempt < 3 && Directory.Exists(folder); attempt++)
            {
                try
                {
                    Directory.Delete(folder, recursive: true);
                }
                catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
                {
                    // A file went away or appeared while deleting; try again.
                }
            }
        }

        private Task RunPostgresToolAsync(string tool, params string[] arguments)
        {
            var path = Path.Combine(binaries, tool);
            return _asPostgresUser
                ? RunAsync("runuser", ["-u", "postgres", "--", path, .. arguments])
                : RunAsync(path, arguments);
        }

        private static async Task RunAsync(string fileName, params string[] arguments)
        {
            var start = new ProcessStartInfo(fileName)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                WorkingDirectory = Path.GetTempPath(),
            };
            foreach (var argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }

            using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {fileName}.");
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync().ConfigureAwait(false);
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException(
                    $"{fileName} {string.Join(' ', arguments)} exited with {process.ExitCode}:{Environment.NewLine}{await output.ConfigureAwait(false)}{await error.ConfigureAwait(false)}");
            }
        }

        private static int FreeLoopbackPort()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
    }
}
