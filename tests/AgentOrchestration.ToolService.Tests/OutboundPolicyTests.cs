extern alias tools;

using System.Net;
using tools::AgentOrchestration.ToolService.Invocation;

namespace AgentOrchestration.ToolService.Tests;

/// <summary>
/// The SSRF decision, made without sending a packet: the connector below records every connection the handler
/// would open and opens none, so forbidden addresses must leave it empty and allowed ones must reach it.
/// </summary>
public sealed class OutboundPolicyTests
{
    private readonly List<IPAddress[]> _attempts = [];

    private HttpClient ClientWith(string? allowList)
    {
        var outbound = new OutboundHttp(new OutboundPolicy(allowList), (addresses, _, _) =>
        {
            _attempts.Add(addresses);
            throw new IOException("recorded, not connected");
        });
        return outbound.Client;
    }

    [Theory]
    [InlineData("http://169.254.169.254/latest/meta-data/")]
    [InlineData("http://[fd00:ec2::254]/latest/meta-data/")]
    [InlineData("http://10.1.2.3/")]
    [InlineData("http://172.16.0.1/")]
    [InlineData("http://192.168.1.1/")]
    [InlineData("http://100.64.0.1/")]
    [InlineData("http://[fd12:3456::1]/")]
    [InlineData("http://[fe80::1]/")]
    [InlineData("http://[::ffff:10.0.0.1]/")]
    [InlineData("http://127.0.0.1/")]
    [InlineData("http://[::1]/")]
    [InlineData("http://0.0.0.0/")]
    [InlineData("http://2130706433/")]
    [InlineData("http://localhost/")]
    public async Task InternalAddressesAreRefusedBeforeAnyConnection(string url)
    {
        var client = ClientWith("127.0.0.2");

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync(url));

        Assert.NotNull(OutboundHttp.Blocked(error));
        Assert.Empty(_attempts);
    }

    [Fact]
    public async Task TheMachinesOwnHostNameIsRefused()
    {
        var client = ClientWith("127.0.0.2");

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync($"http://{Dns.GetHostName()}:9/"));

        Assert.True(OutboundHttp.Blocked(error) is not null, error.ToString());
        Assert.Empty(_attempts);
    }

    [Theory]
    [InlineData("http://93.184.216.34/", "93.184.216.34")]
    [InlineData("http://127.0.0.2:9/", "127.0.0.2")]
    [InlineData("http://10.20.30.40/", "10.20.30.40")]
    public async Task PublicAndAllowListedAddressesReachTheConnector(string url, string expected)
    {
        var client = ClientWith("127.0.0.2, 10.20.0.0/16");

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync(url));

        Assert.Null(OutboundHttp.Blocked(error));
        Assert.Equal([IPAddress.Parse(expected)], Assert.Single(_attempts));
    }

    [Fact]
    public void AnAllowListedHostNameMayResolveToAnInternalAddress()
    {
        var policy = new OutboundPolicy("tools.internal");

        Assert.True(policy.Allows("tools.internal", IPAddress.Parse("10.0.0.5")));
        Assert.False(policy.Allows("other.internal", IPAddress.Parse("10.0.0.5")));
    }
}
