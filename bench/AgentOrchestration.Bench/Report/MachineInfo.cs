using System.Runtime.InteropServices;

namespace AgentOrchestration.Bench.Report;

/// <summary>What the figures were measured on: they mean little without it.</summary>
public sealed record MachineInfo(string Cpu, int Cores, double MemoryGb, string Os, string Runtime, double LoadAverage1m)
{
    public static MachineInfo Read()
    {
        var cpu = FirstValue("/proc/cpuinfo", "model name") ?? RuntimeInformation.ProcessArchitecture.ToString();
        var memKb = FirstValue("/proc/meminfo", "MemTotal")?.Split(' ')[0];
        var os = FirstValue("/etc/os-release", "PRETTY_NAME", '=')?.Trim('"') ?? RuntimeInformation.OSDescription;
        var load = Read("/proc/loadavg")?.Split(' ')[0];
        return new MachineInfo(
            cpu,
            Environment.ProcessorCount,
            memKb is null ? 0 : Math.Round(double.Parse(memKb, System.Globalization.CultureInfo.InvariantCulture) / 1024 / 1024, 1),
            $"{os} (kernel {Environment.OSVersion.Version})",
            RuntimeInformation.FrameworkDescription,
            load is null ? 0 : double.Parse(load, System.Globalization.CultureInfo.InvariantCulture));
    }

    public override string ToString() =>
        $"{Cpu}, {Cores} cores, {MemoryGb} GB RAM, {Os}, {Runtime}; 1-min load average before the run {LoadAverage1m}";

    private static string? FirstValue(string path, string key, char separator = ':') =>
        Read(path)?.Split('\n')
            .Select(line => line.Split(separator, 2))
            .Where(parts => parts.Length == 2 && parts[0].Trim() == key)
            .Select(parts => parts[1].Trim())
            .FirstOrDefault();

    private static string? Read(string path) => File.Exists(path) ? File.ReadAllText(path) : null;
}
