import { SlackApiError } from './errors';

/**
 * Files as Slack's upload flow makes them (what `files.uploadV2` of @slack/web-api does):
 * `files.getUploadURLExternal` reserves an id and a URL, the bytes are POSTed to that URL, and
 * `files.completeUploadExternal` shares the uploaded files in a channel with a message. A file
 * whose bytes never arrived cannot be completed, and a file is completed once.
 */
export interface SlackFile {
  id: string;
  filename: string;
  /** The length announced when the URL was asked for; the upload must match it. */
  length: number;
  title?: string;
  /** What was uploaded (undefined until the bytes arrive). */
  content?: Buffer;
  /** Where it was shared: a channel and the ts of the message that carries it. */
  shares: { channel: string; ts: string }[];
  completed: boolean;
}

export class SlackFiles {
  private readonly byId = new Map<string, SlackFile>();
  private seq = 0;

  reserve(filename: string, length: number): SlackFile {
    this.seq += 1;
    const file: SlackFile = {
      id: `F${String(this.seq).padStart(10, '0')}`,
      filename,
      length,
      shares: [],
      completed: false,
    };
    this.byId.set(file.id, file);
    return file;
  }

  /** The bytes POSTed to a file's upload URL; false when the id is unknown or the size is wrong. */
  receive(id: string, content: Buffer): boolean {
    const file = this.byId.get(id);
    if (!file || file.completed || content.length !== file.length) return false;
    file.content = content;
    return true;
  }

  /** Files ready to share, in the order asked; refuses the whole call if one is not. */
  completable(ids: string[]): SlackFile[] {
    return ids.map((id) => {
      const file = this.byId.get(id);
      if (!file || file.content === undefined || file.completed) throw new SlackApiError('file_not_found');
      return file;
    });
  }

  get(id: string): SlackFile | undefined {
    return this.byId.get(id);
  }

  /** Completed files shared in a channel, oldest first. */
  inChannel(channel: string): SlackFile[] {
    return [...this.byId.values()].filter((f) => f.completed && f.shares.some((s) => s.channel === channel));
  }
}

/** The file part of the multipart body the SDK posts to an upload URL (or the raw body). */
export async function uploadedBytes(raw: Buffer, contentType: string | undefined): Promise<Buffer> {
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'multipart/form-data') return raw;
  const form = await new Response(new Uint8Array(raw), {
    headers: { 'content-type': contentType ?? '' },
  }).formData();
  // The SDK names its one file part `body`; any file part will do.
  let file: Blob | undefined;
  form.forEach((value) => {
    if (!file && typeof value !== 'string') file = value;
  });
  return file ? Buffer.from(await (file as Blob).arrayBuffer()) : Buffer.alloc(0);
}
