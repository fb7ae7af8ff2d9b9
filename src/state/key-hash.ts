/**
 * Names for files under the private state directory, and tokens that tell lock holders apart. Neither needs to
 * be secret (the directory is this user's alone), so they are made without Node's crypto module, which costs a
 * short-lived process more to load than all the hashing it would do.
 */

/** cyrb53: a fast 53-bit string hash with a good spread. */
function hash53(text: string, seed: number): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/** 28 hex digits (about 106 bits) for a key: two seeds of the hash side by side. */
export function keyHash(text: string): string {
  return hash53(text, 1).toString(16).padStart(14, '0') + hash53(text, 2).toString(16).padStart(14, '0');
}

let counter = 0;

/** A value no other holder has at the same time: this process, this moment, a counter and chance. */
export function uniqueToken(): string {
  const chance = () => Math.floor(Math.random() * 2 ** 32).toString(16).padStart(8, '0');
  // The clock as milliseconds: the first use of hrtime.bigint() costs a short-lived process more than it is worth.
  return `${process.pid.toString(16)}-${Date.now().toString(16)}-${(counter++).toString(16)}-${chance()}${chance()}`;
}
