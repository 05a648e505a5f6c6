using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Aspire.Hosting.Backups;

/// <summary>
/// How scripts/restore.sh reaches the AppHost that owns its data folder: it drops restore-ID.request ({"backup": DIR})
/// into &lt;data folder&gt;/control; this takes it (renaming it away, which tells the script it was heard), restores, and
/// answers in restore-ID.result ({"ok", "message"}). The folder is the address, so a script can only ever reach the
/// system of the data folder it was given, and no process is signalled.
/// </summary>
internal sealed class RestoreRequestWatcher(BackupScripts scripts, LocalRestore restore, ILogger<RestoreRequestWatcher> logger)
    : BackgroundService
{
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var control = Path.Combine(scripts.DataDir, "control");
        Directory.CreateDirectory(control);
        using var timer = new PeriodicTimer(Poll);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            foreach (var request in Directory.GetFiles(control, "restore-*.request").Order(StringComparer.Ordinal))
            {
                await HandleAsync(request, stoppingToken);
            }
        }
    }

    private async Task HandleAsync(string request, CancellationToken cancellationToken)
    {
        var taken = Path.ChangeExtension(request, ".taken");
        var result = Path.ChangeExtension(request, ".result");
        try
        {
            File.Move(request, taken);
        }
        catch (IOException)
        {
            return; // the script gave up and removed it
        }

        (bool Ok, string Message) answer;
        try
        {
            using var body = JsonDocument.Parse(await File.ReadAllTextAsync(taken, cancellationToken));
            var backup = body.RootElement.GetProperty("backup").GetString()
                ?? throw new InvalidDataException("The request names no backup.");
            var restored = await restore.RestoreAsync(backup, cancellationToken);
            answer = (restored.Succeeded, restored.Message);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "The restore requested in {Request} failed", request);
            answer = (false, $"The restore failed: {ex.Message}");
        }

        // Written aside and renamed, so the script never reads half an answer.
        await File.WriteAllTextAsync(result + ".tmp", JsonSerializer.Serialize(new { ok = answer.Ok, message = answer.Message }), cancellationToken);
        File.Move(result + ".tmp", result, overwrite: true);
        File.Delete(taken);
    }
}
