import type { AuthResponse } from '@lyceum/contracts';
import { HttpTransport, type CallOptions, type ClientOptions, type Input, type Output } from './http.ts';
import { endpoints, type Endpoints, type OperationId } from './endpoints/index.ts';

/** Typed client for the Lyceum sync server, used by the desktop core, scripts, benchmarks and tests. */
export class LyceumClient {
  readonly transport: HttpTransport;
  constructor(options: ClientOptions) {
    this.transport = new HttpTransport(options);
  }

  /** Call any endpoint by its operationId, with typed input and output. */
  call<K extends OperationId>(
    op: K,
    input: Input<Endpoints[K]>,
    opts?: CallOptions,
  ): Promise<Output<Endpoints[K]>> {
    return this.transport.call(endpoints[op], input, opts) as Promise<Output<Endpoints[K]>>;
  }

  /** Send a request to an endpoint whose answer is not JSON (a page, a feed) or whose body is bytes: the Response. */
  send<K extends OperationId>(op: K, input: Input<Endpoints[K]>, opts?: CallOptions): Promise<Response> {
    return this.transport.send(endpoints[op], input, opts);
  }

  private keep(a: AuthResponse): AuthResponse {
    this.transport.setSession({ accessToken: a.accessToken, refreshToken: a.refreshToken });
    return a;
  }

  async login(email: string, password: string): Promise<AuthResponse> {
    return this.keep(await this.call('login', { body: { email, password } }));
  }

  async signup(email: string, password: string, name: string): Promise<AuthResponse> {
    return this.keep(await this.call('signup', { body: { email, password, name } }));
  }

  async logout(): Promise<void> {
    const s = this.transport.session;
    if (s) await this.call('logout', { body: { refreshToken: s.refreshToken } }).catch(() => undefined);
    this.transport.setSession(null);
  }
}
