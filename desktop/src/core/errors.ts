import { errorStatus, ErrorCode } from '@lyceum/contracts';
import { LocalErrorCode, localErrorStatus, type DesktopErrorCode } from '../contracts/app.ts';

/** An error the local API answers with: the server's codes keep their status, the desktop's own codes have theirs. */
export class CoreError extends Error {
  readonly status: number;
  constructor(
    readonly code: DesktopErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'CoreError';
    const local = LocalErrorCode.safeParse(code);
    const server = ErrorCode.safeParse(code);
    this.status = local.success
      ? localErrorStatus[local.data]
      : server.success
        ? errorStatus[server.data]
        : 500;
  }
}
