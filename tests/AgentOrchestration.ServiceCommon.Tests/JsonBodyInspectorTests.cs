using System.Text;
using AgentOrchestration.ServiceCommon.Guards;

namespace AgentOrchestration.ServiceCommon.Tests;

public sealed class JsonBodyInspectorTests
{
    private static JsonBodyIssue? Inspect(string json, int maxDepth = 32) => JsonBodyInspector.Inspect(Encoding.UTF8.GetBytes(json), maxDepth);

    [Theory]
    [InlineData("""{"a":1,"b":[1,"x",{"c":null}],"d":{"e":"\u00e9\ud83d\ude00 \n"}}""")]
    [InlineData("""[]""")]
    [InlineData("""{"a":{"x":1},"b":{"x":2}}""")] // the same name in two objects is not a duplicate
    [InlineData("""[{"x":1},{"x":2}]""")]
    public void OrdinaryJsonPasses(string json) => Assert.Null(Inspect(json));

    [Theory]
    [InlineData("""{"text":"a\u0000b"}""", "/text")]
    [InlineData("""{"steps":[{"id":"a"},{"arguments":{"t":"\ud800"}}]}""", "/steps/1/arguments/t")]
    [InlineData("""{"x":["ok","\udc00x"]}""", "/x/1")]
    [InlineData("""{"a/b~c":"\u0000"}""", "/a~1b~0c")]
    [InlineData("""{"arguments":{"k\u0000":1}}""", "/arguments/k\\u0000")]
    [InlineData("""{"arguments":{"\ud800":1}}""", "/arguments/\\ud800")]
    public void UnstorableStringsAndNamesAreValidationFailuresAtTheirPointer(string json, string pointer)
    {
        var issue = Inspect(json);
        Assert.NotNull(issue);
        Assert.Equal(Problems.ValidationFailed, issue.Code);
        Assert.Equal(pointer, issue.Pointer);
    }

    [Fact]
    public void ADuplicatePropertyIsMalformedJsonAtItsPointer()
    {
        var issue = Inspect("""{"agent":"a","arguments":{"text":"one","n":1,"text":"two"}}""");
        Assert.Equal(new JsonBodyIssue(Problems.MalformedJson, "/arguments/text", "The property 'text' appears more than once in one object."), issue);
    }

    [Fact]
    public void DuplicatesAreComparedAfterUnescaping()
    {
        Assert.Equal(Problems.MalformedJson, Inspect("""{"text":1,"t\u0065xt":2}""")?.Code);
    }

    [Fact]
    public void InvalidUtf8IsMalformedJsonAtItsPointer()
    {
        byte[] json = [.. "{\"steps\":[{\"id\":\""u8.ToArray(), 0xC3, 0x28, .. "\"}]}"u8.ToArray()];
        var issue = JsonBodyInspector.Inspect(json, 32);
        Assert.Equal(Problems.MalformedJson, issue?.Code);
        Assert.Equal("/steps/0/id", issue?.Pointer);
    }

    [Fact]
    public void AnEncodedSurrogateIsInvalidUtf8()
    {
        byte[] json = [.. "{\"t\":\""u8.ToArray(), 0xED, 0xA0, 0x80, .. "\"}"u8.ToArray()];
        Assert.Equal(Problems.MalformedJson, JsonBodyInspector.Inspect(json, 32)?.Code);
    }

    [Theory]
    [InlineData("""{"a":""")]
    [InlineData("""{"a":1} {"b":2}""")]
    [InlineData("""{"a":1,}""")]
    public void TextThatIsNotJsonIsMalformed(string json) => Assert.Equal(Problems.MalformedJson, Inspect(json)?.Code);

    [Fact]
    public void NestingDeeperThanTheLimitIsMalformed()
    {
        Assert.Null(Inspect(new string('[', 4) + new string(']', 4), maxDepth: 4));
        Assert.Equal(Problems.MalformedJson, Inspect(new string('[', 5) + new string(']', 5), maxDepth: 4)?.Code);
    }

    [Fact]
    public void ALongEscapedStringIsDecodedWhole()
    {
        var tail = string.Concat(Enumerable.Repeat("\\n", 400));
        Assert.Null(Inspect($$"""{"t":"{{tail}}"}"""));
        Assert.Equal("/t", Inspect($$"""{"t":"{{tail}}\u0000"}""")?.Pointer);
    }
}
