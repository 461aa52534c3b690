/**
 * UTF-8 text helpers. `TextDecoder`/`TextEncoder` exist in browsers, workers and Node, but not in the ES2022 lib this
 * module is typechecked against, so they are declared here structurally (only what we call).
 */

declare const TextDecoder: new (label?: string, options?: { fatal?: boolean }) => {
  decode(input: Uint8Array): string;
};
declare const TextEncoder: new () => { encode(input: string): Uint8Array };

/** Decodes UTF-8; returns `undefined` for invalid UTF-8 instead of inserting U+FFFD. */
export function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

/** Decodes Latin-1 (numpy's v1/v2 header encoding): every byte is one code point. */
export function decodeLatin1(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 4096) {
    s += String.fromCharCode(...bytes.subarray(i, Math.min(bytes.length, i + 4096)));
  }
  return s;
}

export function encodeUtf8(s: string): Uint8Array {
  return new TextEncoder().encode(s);
}

/** True when the first bytes look like human-readable text (UTF-8 without control characters other than \t\n\r). */
export function looksLikeText(bytes: Uint8Array): boolean {
  const head = bytes.subarray(0, 512);
  if (head.length === 0) return false;
  for (let i = 0; i < head.length; i++) {
    const b = head[i]!;
    if (b < 0x09 || (b > 0x0d && b < 0x20) || b === 0x7f) return false;
  }
  // A multi-byte UTF-8 sequence may be cut at 512 bytes; drop up to 3 trailing bytes before validating.
  for (let cut = 0; cut < 4; cut++) {
    if (decodeUtf8(head.subarray(0, head.length - cut)) !== undefined) return true;
  }
  return false;
}

/** 2 → '2nd', 4 → '4th', 21 → '21st', 112 → '112th' (for messages such as "keeping every 4th snapshot"). */
export function ordinal(n: number): string {
  const t = n % 100, u = n % 10;
  return `${n}${t >= 11 && t <= 13 ? 'th' : u === 1 ? 'st' : u === 2 ? 'nd' : u === 3 ? 'rd' : 'th'}`;
}
