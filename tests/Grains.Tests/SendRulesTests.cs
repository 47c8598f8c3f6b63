namespace OrleansChat.Grains.Tests;

/// <summary>
/// The shape rules of a send that the gateway and the room share (PROTOCOL.md 1 and 3.2): which rule a send breaks
/// first, its failure class, and the exact text clients see, with lengths counted in code points.
/// </summary>
public sealed class SendRulesTests
{
    private const string Emoji = "\U0001F600";

    [Fact]
    public void A_client_message_id_longer_than_64_characters_is_a_bad_request_whatever_the_content()
    {
        var broken = SendRules.Check(new string('k', 65), "");

        Assert.Equal(new RuleViolation(ChatErrorCode.BadRequest, "clientMsgId must be 1 to 64 characters."), broken);
    }

    [Fact]
    public void A_client_message_id_of_64_emoji_is_valid()
    {
        Assert.Null(SendRules.Check(string.Concat(Enumerable.Repeat(Emoji, 64)), "hello"));
    }

    [Fact]
    public void Empty_content_is_a_bad_request()
    {
        var broken = SendRules.Check("k1", "");

        Assert.Equal(new RuleViolation(ChatErrorCode.BadRequest, "content must not be empty."), broken);
    }

    [Fact]
    public void Content_of_4000_emoji_is_within_the_limit()
    {
        Assert.Null(SendRules.Check("k1", string.Concat(Enumerable.Repeat(Emoji, 4000))));
    }

    [Fact]
    public void Content_of_4001_characters_is_too_large()
    {
        var broken = SendRules.Check("k1", new string('a', 4001));

        Assert.Equal(new RuleViolation(ChatErrorCode.TooLarge, "content is longer than 4000 characters."), broken);
    }
}
