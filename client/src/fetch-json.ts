// Reads the API: GET a URL as JSON, an HTTP error status thrown as an error naming the URL.

export async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return (await res.json()) as T;
}
