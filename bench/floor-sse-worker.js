// The floor for a JSON client whose tokens are watched as they come (a reference row of the bench's
// saturated phase, not a path): ask the upstream to stream, read its SSE body as the gateway does —
// chunk by chunk until the first token and four reads after it, then in batches of at least 1000 B
// (what the gateway asks for at its default idleMs), into one reused buffer —
// parse every event, and answer one `chat.completion`. No auth, limits, deadlines, logs or
// validation: the least any worker can do while it still sees each token arrive, which a first-token
// or idle deadline needs (design §5; the plain floor asks for JSON and sees nothing until the end).
export default {
  async fetch(request, env) {
    const body = await request.json();
    const res = await fetch(`${env.UPSTREAM}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...body, stream: true, stream_options: { include_usage: true } }),
    });
    if (!res.ok) return res;
    const reader = res.body.getReader({ mode: 'byob' });
    let view = new Uint8Array(32 * 1024);
    const decoder = new TextDecoder();
    let buffer = '';
    let content = '';
    let last;
    let usage = null;
    let sinceFirstToken = -1; // reads since the one that brought the first token
    for (;;) {
      const read = sinceFirstToken < 4 ? await reader.read(view) : await reader.readAtLeast(1000, view);
      if (read.done) break;
      view = new Uint8Array(read.value.buffer); // the read transferred the buffer: reuse it
      if (sinceFirstToken >= 0) sinceFirstToken++;
      buffer += decoder.decode(read.value, { stream: true });
      for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (!block.startsWith('data: ') || block === 'data: [DONE]') continue;
        const data = block.slice(6);
        const event = JSON.parse(data);
        last = event;
        if (event.usage) usage = event.usage;
        content += event.choices?.[0]?.delta?.content ?? '';
      }
      if (sinceFirstToken < 0 && content) sinceFirstToken = 0;
    }
    return Response.json({
      id: last?.id,
      object: 'chat.completion',
      created: last?.created,
      model: last?.model,
      choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
      usage,
    });
  },
};
