using OrleansChat.Persistence;
using OrleansChat.Persistence.Attachments;

namespace OrleansChat.Grains;

/// <summary>The rule of PROTOCOL.md 7 that needs the store: a text carries only uploads of its sender that no message carries yet.</summary>
internal sealed partial class RoomWriter
{
    /// <summary>How often a batch is checked and written when its uploads keep being taken by other messages meanwhile.</summary>
    private const int MaxAttachmentChecks = 3;

    private static readonly RuleViolation UnusableAttachment =
        new(ChatErrorCode.BadRequest, "attachments names an upload that is not the sender's, or that another message carries.");

    /// <summary>
    /// Answers the sends whose attachments break PROTOCOL.md 7 (they store nothing) and returns the rest, in order, each
    /// with its uploads in the order the send lists them. One store read for the whole batch; when it fails, the whole batch is answered
    /// as unavailable. Two sends of the batch naming one upload: the first keeps it.
    /// </summary>
    private async Task<PendingSend[]> CheckAttachments(PendingSend[] batch)
    {
        var ids = new HashSet<Guid>();
        foreach (var p in batch)
        {
            foreach (var text in p.Command.Attachments)
            {
                if (ParseId(text) is { } id)
                {
                    ids.Add(id);
                }
            }
        }

        var found = new Dictionary<Guid, AttachmentRecord>();
        if (ids.Count > 0)
        {
            try
            {
                foreach (var record in await store.GetAttachmentsAsync(ids))
                {
                    found[record.AttachmentId] = record;
                }
            }
            catch (Exception ex)
            {
                FailAll(batch, ex);
                return [];
            }
        }

        var taken = new HashSet<Guid>();
        var accepted = new List<PendingSend>(batch.Length);
        foreach (var p in batch)
        {
            if (p.Command.Attachments.Count == 0)
            {
                accepted.Add(p);
                continue;
            }

            if (Usable(p.Command, found, taken) is not { } records)
            {
                await Refuse(p, UnusableAttachment);
                continue;
            }

            p.Attachments = records.ConvertAll(MessageAttachment.From);
            accepted.Add(p);
        }

        return [.. accepted];
    }

    /// <summary>The uploads the send names, when each is an orphan of its sender not taken by an earlier send of the batch.</summary>
    private static List<AttachmentRecord>? Usable(SendCommand command, Dictionary<Guid, AttachmentRecord> found, HashSet<Guid> taken)
    {
        var records = new List<AttachmentRecord>(command.Attachments.Count);
        foreach (var text in command.Attachments)
        {
            if (ParseId(text) is not { } id
                || !found.TryGetValue(id, out var record)
                || record.UploaderId != command.SenderId
                || record.ChatId is not null
                || taken.Contains(id))
            {
                return null;
            }

            records.Add(record);
        }

        foreach (var record in records)
        {
            taken.Add(record.AttachmentId);
        }

        return records;
    }

    /// <summary>An attachment id as the upload answered it (lowercase, hyphens); anything else names no upload.</summary>
    private static Guid? ParseId(string text) =>
        Guid.TryParseExact(text, "D", out var id) && id.ToString("D") == text ? id : null;
}
