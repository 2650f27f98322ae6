export { LyceumClient } from './client.ts';
export {
  HttpTransport,
  fillPath,
  type CallOptions,
  type ClientOptions,
  type Endpoint,
  type Session,
  type Input,
  type Output,
} from './http.ts';
export { LyceumApiError, isNetworkError } from './errors.ts';
export { endpoints, serviceEndpoints, type Endpoints, type OperationId } from './endpoints/index.ts';
