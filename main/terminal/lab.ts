/**
 * Host side of the bastion's `lab` helper (sandbox/images/bastion/lab).
 *
 * `lab <verb>` turns terminal echo off and prints `ESC ] 633 ; FiredrillLab=<verb>;<nonce> BEL`.
 * The host acknowledges at once, asks the injected LabHandler, and types the answer into the pty:
 *   #FDLAB <nonce> ACK\n
 *   #FDLAB <nonce> D <base64 chunk>\n     (76 characters of base64 at most per line)
 *   #FDLAB <nonce> END <status>\n         (0 = ok, 1 = the handler failed; the text is its message)
 */

export interface LabHandler {
  status(): Promise<string>;
  hint(): Promise<string>;
  check(): Promise<string>;
  submit(): Promise<string>;
  /** `lab op <id>`: a scenario operation (e.g. a rollback) the host carries out. */
  op?(id: string): Promise<string>;
}

export const LAB_VERBS = ['status', 'hint', 'check', 'submit'] as const;
export type LabVerb = (typeof LAB_VERBS)[number];

export function isLabVerb(verb: string): verb is LabVerb {
  return (LAB_VERBS as readonly string[]).includes(verb);
}

/** Nonces are the helper's own: pid, 'x', digits. Anything else is refused (it is typed into a tty). */
const NONCE = /^[A-Za-z0-9_-]{1,64}$/;

export function isValidNonce(nonce: string): boolean {
  return NONCE.test(nonce);
}

const CHUNK = 76;

export function labAck(nonce: string): string {
  return `#FDLAB ${nonce} ACK\n`;
}

/** The lines typed into the pty for an answer (after the ACK). */
export function encodeLabAnswer(nonce: string, text: string, ok: boolean): string {
  const b64 = Buffer.from(text, 'utf8').toString('base64');
  let out = '';
  for (let i = 0; i < b64.length; i += CHUNK) out += `#FDLAB ${nonce} D ${b64.slice(i, i + CHUNK)}\n`;
  return `${out}#FDLAB ${nonce} END ${ok ? 0 : 1}\n`;
}

/** What `lab` does with the lines it reads (the TS twin of the bash decoder, for tests and tools). */
export function decodeLabAnswer(nonce: string, input: string): { acked: boolean; text: string; ok: boolean } | null {
  let acked = false;
  let b64 = '';
  for (const raw of input.split('\n')) {
    const line = raw.replace(/\r$/, '');
    const prefix = `#FDLAB ${nonce} `;
    if (!line.startsWith(prefix)) continue;
    const rest = line.slice(prefix.length);
    if (rest === 'ACK') acked = true;
    else if (rest.startsWith('D ')) b64 += rest.slice(2);
    else if (rest.startsWith('END ')) return { acked, text: Buffer.from(b64, 'base64').toString('utf8'), ok: rest.slice(4) === '0' };
  }
  return null;
}

/** Runs one request against the handler and returns the full reply (without the ACK). */
export async function answerLabRequest(handler: LabHandler | undefined, verb: string, nonce: string): Promise<string> {
  if (!handler) return encodeLabAnswer(nonce, 'this terminal is not attached to a lab run', false);
  const operation = /^op:([a-z0-9][a-z0-9-]{0,62})$/.exec(verb)?.[1];
  if (!operation && !isLabVerb(verb)) return encodeLabAnswer(nonce, `unknown lab command '${verb}'`, false);
  try {
    if (operation && !handler.op) return encodeLabAnswer(nonce, 'this lab offers no operations', false);
    const text = operation ? await handler.op!(operation) : await handler[verb as LabVerb]();
    return encodeLabAnswer(nonce, text, true);
  } catch (error) {
    return encodeLabAnswer(nonce, error instanceof Error ? error.message : String(error), false);
  }
}
