const encoder = new TextEncoder();

export async function sha256Bytes(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(text)));
}

export async function sha256Hex(text: string): Promise<string> {
  let out = '';
  for (const b of await sha256Bytes(text)) out += b.toString(16).padStart(2, '0');
  return out;
}
