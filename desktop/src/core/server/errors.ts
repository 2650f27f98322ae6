/** The server could not be reached (network error, timeout, or a gateway/unavailable answer). */
export class ServerUnreachable extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ServerUnreachable';
  }
}

/** The server answered with an error body (`{ error: { code, message } }`). */
export class ServerError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ServerError';
  }
}

/** The server answered something that does not match the contract. */
export class ServerContractError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ServerContractError';
  }
}
