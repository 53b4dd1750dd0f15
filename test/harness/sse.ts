// Reads an SSE response frame by frame, as raw text, so tests can see comments and order.

export interface Frame {
  /** The `data:` payload, or undefined for a comment-only frame. */
  data?: string;
  comment?: string;
}

export class FrameReader {
  private readonly reader: ReadableStreamDefaultReader<string>;
  private buffer = '';

  constructor(res: Response) {
    if (!res.body) throw new Error('response has no body');
    this.reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  }

  /** The next frame, or undefined at the end of the stream. */
  async next(): Promise<Frame | undefined> {
    for (;;) {
      const end = this.buffer.indexOf('\n\n');
      if (end >= 0) {
        const raw = this.buffer.slice(0, end);
        this.buffer = this.buffer.slice(end + 2);
        return parseFrame(raw);
      }
      const { done, value } = await this.reader.read();
      if (done) return undefined;
      this.buffer += value;
    }
  }

  /** Every remaining frame. */
  async rest(): Promise<Frame[]> {
    const frames: Frame[] = [];
    for (let f = await this.next(); f; f = await this.next()) frames.push(f);
    return frames;
  }

  cancel(): Promise<void> {
    return this.reader.cancel();
  }
}

function parseFrame(raw: string): Frame {
  const frame: Frame = {};
  for (const line of raw.split('\n')) {
    if (line.startsWith('data: ')) frame.data = (frame.data === undefined ? '' : `${frame.data}\n`) + line.slice(6);
    else if (line.startsWith(':')) frame.comment = line.slice(1).trim();
  }
  return frame;
}

/** JSON payloads of data frames, `[DONE]` excluded. */
export const jsonEvents = (frames: Frame[]) =>
  frames.filter((f) => f.data !== undefined && f.data !== '[DONE]').map((f) => JSON.parse(f.data!) as Record<string, any>);
