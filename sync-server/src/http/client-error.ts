import type http from 'node:http';
import type { Duplex } from 'node:stream';
import { errorStatus, type ErrorCode } from '@lyceum/contracts';

const reasons: Partial<Record<number, string>> = {
  400: 'Bad Request',
  408: 'Request Timeout',
  431: 'Request Header Fields Too Large',
};

/** A raw HTTP/1.1 answer in the one error shape, for requests Node refuses before Express sees them. */
export function rawErrorResponse(code: ErrorCode, message: string): string {
  const status = errorStatus[code];
  const body = JSON.stringify({ error: { code, message } });
  return [
    `HTTP/1.1 ${status} ${reasons[status] ?? 'Error'}`,
    'content-type: application/json; charset=utf-8',
    `content-length: ${Buffer.byteLength(body)}`,
    'cache-control: no-store',
    'connection: close',
    '',
    body,
  ].join('\r\n');
}

/**
 * Node's parser refuses some requests itself (a URL or headers over `maxHeaderSize`, bytes that are not HTTP, a
 * request that never finished) and by default answers them with an empty body. Answer them in the API's error
 * shape instead: 431 `headers_too_large` (a URL is part of the header block), 408 `request_timeout`, 400 otherwise.
 */
export function answerClientErrors(server: http.Server): void {
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    if (err.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const answer =
      err.code === 'HPE_HEADER_OVERFLOW'
        ? rawErrorResponse(
            'headers_too_large',
            'The URL or the headers are too long; send long values in a request body',
          )
        : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? rawErrorResponse('request_timeout', 'The request took too long to arrive')
          : rawErrorResponse('validation_failed', 'The request is not valid HTTP');
    socket.end(answer);
  });
}
