using System.Net;
using System.Net.Sockets;

namespace AgentOrchestration.ToolService.Invocation;

/// <summary>
/// Which addresses HTTP tools and MCP sources may reach. By default nothing on this machine or inside a private
/// network: loopback, "this network", RFC 1918, CGNAT, link-local (so cloud metadata at 169.254.169.254),
/// unique-local (so fd00:ec2::254), multicast and reserved ranges, and every address of this machine's interfaces. The allow-list (<c>Security:OutboundAllowList</c>,
/// comma-separated host names, IPs or CIDRs) lets legitimate internal tools through. The decision is made on the
/// address actually connected to, so DNS tricks and redirects to a forbidden address fail as well.
/// </summary>
public sealed class OutboundPolicy
{
    public const string ConfigKey = "Security:OutboundAllowList";

    private static readonly IPNetwork[] Forbidden =
    [
        IPNetwork.Parse("0.0.0.0/8"), IPNetwork.Parse("10.0.0.0/8"), IPNetwork.Parse("100.64.0.0/10"),
        IPNetwork.Parse("127.0.0.0/8"), IPNetwork.Parse("169.254.0.0/16"), IPNetwork.Parse("172.16.0.0/12"),
        IPNetwork.Parse("192.0.0.0/24"), IPNetwork.Parse("192.168.0.0/16"), IPNetwork.Parse("198.18.0.0/15"),
        IPNetwork.Parse("224.0.0.0/4"), IPNetwork.Parse("240.0.0.0/4"),
        IPNetwork.Parse("::/128"), IPNetwork.Parse("::1/128"), IPNetwork.Parse("fc00::/7"), IPNetwork.Parse("fe80::/10"),
        IPNetwork.Parse("ff00::/8"), IPNetwork.Parse("64:ff9b::/96"), IPNetwork.Parse("2001:db8::/32"),
    ];

    private readonly HashSet<string> _hosts = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<IPNetwork> _networks = [];

    // This machine's own addresses are forbidden whatever their range: a public address of the host is still the host
    // (the machine's own name resolves to them).
    private static readonly HashSet<IPAddress> OwnAddresses = System.Net.NetworkInformation.NetworkInterface.GetAllNetworkInterfaces()
        .SelectMany(i => i.GetIPProperties().UnicastAddresses).Select(a => a.Address).ToHashSet();

    public OutboundPolicy(string? allowList)
    {
        foreach (var entry in (allowList ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (IPNetwork.TryParse(entry, out var network))
            {
                _networks.Add(network);
            }
            else if (IPAddress.TryParse(entry.Trim('[', ']'), out var address))
            {
                _networks.Add(new IPNetwork(address, address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128));
            }
            else
            {
                _hosts.Add(entry.TrimEnd('.'));
            }
        }
    }

    /// <summary>Whether a connection to <paramref name="address"/>, reached by the name <paramref name="host"/>, is allowed.</summary>
    public bool Allows(string host, IPAddress address)
    {
        var normalized = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        if (_hosts.Contains(host.TrimEnd('.')) || _networks.Any(n => n.Contains(normalized)))
        {
            return true;
        }

        return !IsInternal(normalized);
    }

    public static bool IsInternal(IPAddress address)
    {
        var normalized = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        return OwnAddresses.Contains(normalized)
            || Forbidden.Any(n => n.BaseAddress.AddressFamily == normalized.AddressFamily && n.Contains(normalized));
    }
}

/// <summary>
/// An outbound connection the policy refused; it was never attempted. The message names the host as the caller gave
/// it, never the addresses it resolved to here: those would map this machine's internal network for whoever asks.
/// </summary>
public sealed class OutboundBlockedException(string host, IReadOnlyList<IPAddress> addresses)
    : Exception($"Blocked by the outbound policy: '{host}' {(IPAddress.TryParse(host.Trim('[', ']'), out _) ? "is" : "resolves to")} an internal " +
        "address that tools may not reach (allow it with the outbound-allow-list parameter if it is a legitimate internal tool).")
{
    public const string Code = "ssrf_blocked";

    /// <summary>For logs only.</summary>
    public IReadOnlyList<IPAddress> Addresses { get; } = addresses;
}
