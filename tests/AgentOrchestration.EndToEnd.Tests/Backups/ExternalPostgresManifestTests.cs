using System.Diagnostics;
using System.Text.Json;

namespace AgentOrchestration.EndToEnd.Tests.Backups;

public sealed class ExternalPostgresManifestTests
{
    /// <summary>
    /// With Infrastructure:Postgres=external the azd manifest has no Postgres container: each database is a secret
    /// connection-string parameter, to be pointed at a managed server; Redis and the services are as before.
    /// </summary>
    [Fact]
    public async Task ExternalPostgresMakesEveryDatabaseASecretConnectionStringParameter()
    {
        var output = Path.Combine(Path.GetTempPath(), $"ao-manifest-external-{Guid.NewGuid():N}.json");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "run", "--project", Projects.AgentOrchestration_AppHost.ProjectPath, "--no-build", "--",
                     "--publisher", "manifest", "--output-path", output, "--Infrastructure:Postgres=external" })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, $"manifest publish failed: {await stdout}{await stderr}");

        using var manifest = JsonDocument.Parse(await File.ReadAllTextAsync(output));
        var resources = manifest.RootElement.GetProperty("resources");
        Assert.False(resources.TryGetProperty(ResourceNames.Postgres, out _), "no Postgres container with an external server");
        foreach (var database in ResourceNames.Databases)
        {
            var resource = resources.GetProperty(database);
            Assert.Equal("parameter.v0", resource.GetProperty("type").GetString());
            Assert.True(resource.GetProperty("inputs").GetProperty("value").GetProperty("secret").GetBoolean(), $"{database} is not secret");
        }

        Assert.StartsWith("container", resources.GetProperty(ResourceNames.Redis).GetProperty("type").GetString());
        foreach (var service in ResourceNames.Services)
        {
            Assert.Equal("project.v0", resources.GetProperty(service).GetProperty("type").GetString());
        }

        File.Delete(output);
    }
}
