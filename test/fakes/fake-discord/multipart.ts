import type { RecordedFile } from './recorder.js';

export interface MultipartBody {
  fields: Record<string, string>;
  files: RecordedFile[];
}

const HEADER_END = Buffer.from('\r\n\r\n');

/** Parses a multipart/form-data body: text fields (e.g. `payload_json`) and files with their bytes. */
export function parseMultipart(body: Buffer, contentType: string): MultipartBody {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
  const result: MultipartBody = { fields: {}, files: [] };
  if (!boundary) return result;
  const delimiter = Buffer.from(`--${boundary[1] ?? boundary[2]}`);
  let start = body.indexOf(delimiter);
  while (start !== -1) {
    const partStart = start + delimiter.length;
    // "--" right after a delimiter closes the body.
    if (body[partStart] === 0x2d && body[partStart + 1] === 0x2d) break;
    const next = body.indexOf(delimiter, partStart);
    if (next === -1) break;
    // Each part sits between the CRLF after the delimiter and the CRLF before the next one.
    readPart(body.subarray(partStart + 2, next - 2), result);
    start = next;
  }
  return result;
}

function readPart(part: Buffer, result: MultipartBody): void {
  const headerEnd = part.indexOf(HEADER_END);
  if (headerEnd === -1) return;
  const headers = part.subarray(0, headerEnd).toString('utf8');
  const content = part.subarray(headerEnd + HEADER_END.length);
  const name = /name="([^"]*)"/i.exec(headers)?.[1] ?? '';
  const fileName = /filename="([^"]*)"/i.exec(headers)?.[1];
  if (fileName === undefined) {
    result.fields[name] = content.toString('utf8');
    return;
  }
  const contentType = /content-type:\s*([^\r\n]+)/i.exec(headers)?.[1]?.trim() ?? 'application/octet-stream';
  result.files.push({ fieldName: name, fileName, contentType, bytes: Buffer.from(content) });
}
