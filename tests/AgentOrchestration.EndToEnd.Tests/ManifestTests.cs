using System.Diagnostics;
using System.Text.Json;

namespace AgentOrchestration.EndToEnd.Tests;

public sealed class ManifestTests
{
    /// <summary>azd deploys from this manifest: every service, Postgres with its four databases, Redis and the web container.</summary>
    [Fact]
    public async Task PublishManifestContainsEveryResource()
    {
        var output = Path.Combine(Path.GetTempPath(), $"ao-manifest-{Guid.NewGuid():N}.json");
        var appHost = Projects.AgentOrchestration_AppHost.ProjectPath;
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "run", "--project", appHost, "--no-build", "--", "--publisher", "manifest", "--output-path", output })
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
        string Type(string name) => resources.GetProperty(name).GetProperty("type").GetString()!;

        Assert.StartsWith("container", Type(ResourceNames.Postgres));
        Assert.StartsWith("container", Type(ResourceNames.Redis));
        foreach (var database in ResourceNames.Databases)
        {
            Assert.True(resources.TryGetProperty(database, out _), $"missing {database}");
        }

        foreach (var service in ResourceNames.Services)
        {
            Assert.Equal("project.v0", Type(service));
        }

        var web = resources.GetProperty(ResourceNames.Web);
        Assert.StartsWith("container", Type(ResourceNames.Web));
        Assert.EndsWith("Dockerfile", web.GetProperty("build").GetProperty("dockerfile").GetString());
        Assert.False(resources.TryGetProperty(ResourceNames.WebInstall, out _), "the npm install step is for local runs only");
        File.Delete(output);
    }
}
