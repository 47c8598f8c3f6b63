using System.Net;
using System.Text.Json;

namespace OrleansChat.ProtocolTests.Attachments;

/// <summary>The OpenAPI document describes the upload as PROTOCOL.md 7 does: a multipart body in, the attachment out.</summary>
[Collection(AttachmentServer.Name)]
public sealed class AttachmentOpenApiTests(AttachmentServerFixture fixture)
{
    [Fact]
    public async Task The_openapi_document_describes_the_upload_as_multipart_answering_201_with_the_attachment()
    {
        using var response = await fixture.Server.GetAsync("/openapi/v1.json");
        var document = await Expect.StatusAsync(response, HttpStatusCode.OK);

        var upload = document.GetProperty("paths").GetProperty("/api/v1/attachments").GetProperty("post");
        Assert.True(upload.GetProperty("requestBody").GetProperty("content").TryGetProperty("multipart/form-data", out _));
        var created = upload.GetProperty("responses").GetProperty("201").GetProperty("content").GetProperty("application/json").GetProperty("schema");
        var name = created.GetProperty("$ref").GetString()!["#/components/schemas/".Length..];
        Assert.Equal(
            ["attachmentId", "name", "contentType", "size", "sha256", "width", "height"],
            document.GetProperty("components").GetProperty("schemas").GetProperty(name).GetProperty("properties").EnumerateObject().Select(p => p.Name));
        Assert.All(["400", "413", "415"], status => Assert.True(upload.GetProperty("responses").TryGetProperty(status, out JsonElement _)));
    }
}
