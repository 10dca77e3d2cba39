import { expect } from 'vitest';
import type { CellarApp } from '../../src/app';

export type Headers = Record<string, string>;
export type Json = Record<string, unknown>;
export type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

export interface ApiResponse {
  status: number;
  headers: Record<string, string | string[] | number | undefined>;
  /** The content type, '' when there is none. */
  type: string;
  body: string;
  /** The parsed body; {} when the response has none (204). */
  json: Json;
}

/** One request through the app's inject(), JSON in and out. */
export async function request(app: CellarApp, method: Method, url: string, headers: Headers, body?: unknown): Promise<ApiResponse> {
  const response = await app.inject({ method, url, headers, ...(body === undefined ? {} : { payload: body as object }) });
  return {
    status: response.statusCode,
    headers: response.headers,
    type: String(response.headers['content-type'] ?? ''),
    body: response.body,
    json: response.body === '' ? {} : (response.json() as Json),
  };
}

/** A request that must answer `status`; the body is in the failure message. */
export async function expectStatus(app: CellarApp, status: number, method: Method, url: string, headers: Headers, body?: unknown): Promise<Json> {
  const response = await request(app, method, url, headers, body);
  expect(response.status, `${method} ${url}: ${JSON.stringify(response.json)}`).toBe(status);
  return response.json;
}
