using System.Diagnostics;
using OrleansChat.LoadGen.Targets;

namespace OrleansChat.LoadGenTests;

public sealed class ProcessCpuTests
{
    [Fact]
    public async Task A_process_tree_counts_the_cpu_of_a_child_that_has_ended_and_been_reaped()
    {
        // The outer shell spends nothing itself: the CPU is its child's, which ends before "done" is printed, as a
        // PostgreSQL backend may end within the measured window.
        var info = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true, UseShellExecute = false };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add("""sh -c 'i=0; while [ $i -lt 300000 ]; do i=$((i+1)); done'; echo done; sleep 60""");
        using var shell = Process.Start(info)!;
        try
        {
            Assert.Equal("done", await shell.StandardOutput.ReadLineAsync(TestContext.Current.CancellationToken));

            Assert.True(ProcessCpu.TreeTicks(shell.Id) >= 10, $"{ProcessCpu.TreeTicks(shell.Id)} ticks");
        }
        finally
        {
            shell.Kill(entireProcessTree: true);
        }
    }

    [Fact]
    public void A_cpu_list_names_each_pid()
    {
        Assert.Equal(new[] { new NamedPid("silo1", 10), new NamedPid("postgres", 42) }, NamedPid.ParseList("silo1=10, postgres=42"));
        Assert.Throws<ArgumentException>(() => NamedPid.ParseList("silo1"));
    }
}
