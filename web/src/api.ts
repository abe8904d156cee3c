// JSON API client: bearer token, problem+json errors.
import { getSession } from './session';

export class ApiError extends Error {
  status: number;
  problem: any;
  constructor(status: number, problem: any) {
    super((problem && (problem.detail || problem.title)) || `HTTP ${status}`);
    this.name = 'ApiError';
    this.status = status;
    this.problem = problem;
  }
}

export async function api<T>(
  method: string,
  path: string,
  body?: unknown,
  opts?: { contentType?: string; signal?: AbortSignal },
): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  const token = getSession()?.token;
  if (token) headers.Authorization = `Bearer ${token}`;
  let payload: BodyInit | undefined;
  if (body !== undefined) {
    const type = opts?.contentType ?? 'application/json';
    headers['Content-Type'] = type;
    if (typeof body === 'string' && type !== 'application/json') payload = body;
    else if (body instanceof Blob || body instanceof ArrayBuffer) payload = body as BodyInit;
    else payload = JSON.stringify(body);
  }
  const url = path.startsWith('http') || path.startsWith('/') ? path : `/api/v1/${path}`;
  const res = await fetch(url, { method, headers, body: payload, signal: opts?.signal });
  const text = await res.text();
  let data: any = null;
  if (text) {
    try { data = JSON.parse(text); } catch { data = text; }
  }
  if (!res.ok) {
    const problem = data && typeof data === 'object' ? data : { title: res.statusText, status: res.status, detail: text };
    throw new ApiError(res.status, problem);
  }
  return data as T;
}
