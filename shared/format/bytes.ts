/** Sizes for people (`256 KB`, `32 MB`; 1 KB = 1024 bytes) and the UTF-8 size of a string. PURE. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${round1(bytes / 1024)} KB`;
  return `${round1(bytes / (1024 * 1024))} MB`;
}

/** How many bytes a string takes in UTF-8, without encoding it. */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i += 1) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 4;
      i += 1;
    } else bytes += 3;
  }
  return bytes;
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}
