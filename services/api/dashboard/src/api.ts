/** The API as the page calls it: same origin, JSON, the key in a header and never in a URL. */
export class RequestFailed extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

async function answer<T>(response: Response): Promise<T> {
  const text = await response.text();
  let body: unknown = null;
  try {
    body = text === '' ? null : JSON.parse(text);
  } catch {
    // a proxy's HTML error page, say: the status says enough
  }
  if (!response.ok) {
    const message = body !== null && typeof body === 'object' && typeof (body as { error?: unknown }).error === 'string' ? (body as { error: string }).error : `${response.status} ${response.statusText}`;
    throw new RequestFailed(response.status, message);
  }
  return body as T;
}

export async function getJson<T>(path: string): Promise<T> {
  return answer<T>(await fetch(path, { headers: { accept: 'application/json' }, cache: 'no-store' }));
}

export async function postJson<T>(path: string, body: unknown, apiKey: string): Promise<T> {
  return answer<T>(await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json', 'x-api-key': apiKey }, body: JSON.stringify(body) }));
}
