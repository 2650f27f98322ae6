import { ErrorBody, type ErrorCode } from '@lyceum/contracts';

/** An error answer from the server (or a transport failure, with code 'network'). */
export class LyceumApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode | 'network' | 'bad_response',
    message: string,
    readonly details?: unknown,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'LyceumApiError';
  }

  static async from(res: Response): Promise<LyceumApiError> {
    const text = await res.text();
    try {
      const body = ErrorBody.parse(JSON.parse(text));
      return new LyceumApiError(res.status, body.error.code, body.error.message, body.error.details);
    } catch {
      return new LyceumApiError(res.status, 'bad_response', `HTTP ${res.status}: ${text.slice(0, 200)}`);
    }
  }
}

export const isNetworkError = (e: unknown): boolean => e instanceof LyceumApiError && e.code === 'network';
