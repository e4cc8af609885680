import iconv from 'iconv-lite';

/**
 * Turns a feed's bytes into text. Order of evidence: a byte-order mark, then the charset in
 * Content-Type, then the XML declaration, then UTF-8. Labels are often wrong in practice, so
 * two corrections follow: a single-byte label (ISO-8859-x, windows-125x) on bytes that are
 * valid UTF-8 with multi-byte sequences is read as UTF-8 (a transcoded file that kept its old
 * declaration), and a UTF-8 label (or none) on bytes that are not valid UTF-8 is read as
 * windows-1252 (the usual superset of Latin-1) instead of producing replacement characters.
 */
export interface DecodedFeed {
  text: string;
  encoding: string;
  /** Why that encoding: 'bom', 'content-type', 'xml-declaration', 'default', or a correction. */
  reason: string;
}

const utf8Strict = new TextDecoder('utf-8', { fatal: true });

function isValidUtf8(bytes: Uint8Array): boolean {
  try {
    utf8Strict.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

function hasMultiByte(bytes: Uint8Array): boolean {
  for (const b of bytes) if (b >= 0x80) return true;
  return false;
}

function charsetFromContentType(contentType: string | null): string | null {
  const m = contentType ? /charset\s*=\s*"?([\w.:-]+)"?/i.exec(contentType) : null;
  return m ? m[1]!.toLowerCase() : null;
}

function charsetFromDeclaration(bytes: Uint8Array): string | null {
  const head = Buffer.from(bytes.subarray(0, 512)).toString('latin1');
  const m = /^\s*<\?xml[^>]*?encoding\s*=\s*["']([\w.:-]+)["']/i.exec(head);
  return m ? m[1]!.toLowerCase() : null;
}

const SINGLE_BYTE = /^(iso-?8859-\d+|latin-?\d|l\d|windows-125\d|cp125\d|us-ascii|ascii)$/i;
const UTF8 = /^utf-?8$/i;

export function decodeFeed(bytes: Buffer, contentType: string | null = null): DecodedFeed {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return finish(bytes.subarray(3), 'utf-8', 'bom');
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return finish(bytes.subarray(2), 'utf-16le', 'bom');
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return finish(bytes.subarray(2), 'utf-16be', 'bom');

  const fromHeader = charsetFromContentType(contentType);
  const fromDecl = charsetFromDeclaration(bytes);
  let label = fromHeader ?? fromDecl ?? 'utf-8';
  let reason = fromHeader ? 'content-type' : fromDecl ? 'xml-declaration' : 'default';
  if (!iconv.encodingExists(label)) {
    label = 'utf-8';
    reason = `unknown charset "${fromHeader ?? fromDecl}", read as utf-8`;
  }
  if (SINGLE_BYTE.test(label) && hasMultiByte(bytes) && isValidUtf8(bytes)) {
    return finish(bytes, 'utf-8', `labelled ${label} but the bytes are UTF-8`);
  }
  if (UTF8.test(label) && !isValidUtf8(bytes)) {
    return finish(bytes, 'windows-1252', `labelled ${label} but the bytes are not UTF-8; read as windows-1252`);
  }
  return finish(bytes, label, reason);
}

function finish(bytes: Uint8Array, encoding: string, reason: string): DecodedFeed {
  const text = iconv.decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), encoding, { stripBOM: true });
  return { text, encoding, reason };
}
