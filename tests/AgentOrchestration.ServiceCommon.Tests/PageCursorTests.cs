using System.Buffers.Text;

namespace AgentOrchestration.ServiceCommon.Tests;

public sealed class PageCursorTests
{
    [Fact]
    public void ACursorRoundTrips()
    {
        Assert.True(PageCursor.TryDecode(PageCursor.Encode("agent-é"), out var name));
        Assert.Equal("agent-é", name);
    }

    [Theory]
    [InlineData("not base64!")]
    [InlineData("AA")] // U+0000: Postgres cannot compare with it
    [InlineData("_w")] // 0xFF: not UTF-8
    public void AGarbageCursorIsRefused(string cursor) => Assert.False(PageCursor.TryDecode(cursor, out _));

    [Fact]
    public void TheGarbageCasesAreWhatTheyClaim()
    {
        Assert.Equal([0], Base64Url.DecodeFromChars("AA"));
        Assert.Equal([0xFF], Base64Url.DecodeFromChars("_w"));
    }
}
